import pytest


@pytest.mark.django_db
def test_health_reports_database_and_search_engine(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["ok"] is True
    assert report["database"]["ok"] is True
    assert report["search"] == {"configured": "database", "active": "database", "ok": True}


@pytest.mark.django_db
def test_an_unreachable_cluster_is_reported_without_failing_health(client, settings):
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    report = client.get("/healthz").json()
    assert report["ok"] is True
    assert report["search"] == {"configured": "elasticsearch", "active": "database", "ok": False}
