"""The Permissions-Policy: nothing powerful anywhere, the camera on the door's scanner page only."""


def policy(response) -> dict[str, str]:
    return dict(part.split("=", 1) for part in response["Permissions-Policy"].split(", "))


def test_public_pages_may_use_no_camera_microphone_or_location(client, festival):
    response = client.get(festival.url)

    assert response.status_code == 200
    assert (policy(response)["camera"], policy(response)["microphone"], policy(response)["geolocation"]) == (
        "()", "()", "()")  # fmt: skip


def test_the_door_page_alone_may_use_the_camera_of_this_site(client, live_festival, door_staff):
    client.force_login(door_staff)

    door = client.get("/door/")
    sign_in = client.get("/admin/login/")

    assert door.status_code == 200
    assert policy(door)["camera"] == "(self)"
    assert policy(door)["microphone"] == "()"
    assert policy(sign_in)["camera"] == "()"
