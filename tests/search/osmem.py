"""osmem-server for the search tests and benchmarks.

osmem-server answers the 8.x client only when requests carry plain
``application/json``; this node class sends that instead of the client's
``compatible-with=8`` media type. Nothing else about the client changes.
"""

from elastic_transport import Urllib3HttpNode

PLAIN_JSON_NODE = "tests.search.osmem.PlainJsonNode"


class PlainJsonNode(Urllib3HttpNode):
    def perform_request(self, method, target, body=None, request_timeout=None, headers=None):
        plain = {
            name: ("application/json" if name.lower() in ("content-type", "accept") else value)
            for name, value in (headers or {}).items()
        }
        return super().perform_request(
            method, target, body=body, request_timeout=request_timeout, headers=plain
        )
