def test_home_renders_for_staff(staff_client, home):
    response = staff_client.get("/")
    assert response.status_code == 200
    assert b"Pusat Belajar" in response.content


def test_anonymous_visitor_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/masuk/")


def test_health_check_answers_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"]["ok"] is True
