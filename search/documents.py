"""The knowledge index mapping, and nothing else.

Every analyzer here is built from the standard tokenizers and filters that
Elasticsearch and the CI engine both have: the Indonesian and English
analysis happens in search/analysis.py, and the *_terms fields receive its
output, split on spaces.
"""

from elasticsearch_dsl import Boolean, Date, Document, Integer, Keyword, Text, analyzer, token_filter

terms = analyzer("knowledge_terms", tokenizer="whitespace")
words = analyzer("knowledge_words", tokenizer="standard", filter=["lowercase", "asciifolding"])
prefixes = analyzer(
    "knowledge_prefixes",
    tokenizer="standard",
    filter=[
        "lowercase",
        "asciifolding",
        token_filter("knowledge_edge_ngram", "edge_ngram", min_gram=1, max_gram=20),
    ],
)


class KnowledgeDocument(Document):
    """One live practice, meeting or CoP page; the id is the page id."""

    kind = Keyword()
    community_id = Keyword()
    community_title = Keyword()
    language = Keyword()
    year = Integer()
    published = Date()
    tags = Keyword()
    title = Text(analyzer=words, fields={"prefixes": Text(analyzer=prefixes, search_analyzer=words)})
    url = Keyword(index=False)
    summary = Text(index=False)
    body = Text(analyzer=words)
    title_terms = Text(analyzer=terms)
    body_terms = Text(analyzer=terms)
    visibility = Keyword()
    live = Boolean()
    fingerprint = Keyword()

    class Index:
        # The real name is an alias from settings; see search/elasticsearch_index.py.
        name = "knowledge"
        settings = {"number_of_shards": 1}
