"""Staff of each role, signed in, for the reports' tests."""

import pytest

from festival import roles
from tests.ticketing.factories import UserFactory


@pytest.fixture
def signed_in(client, groups):
    """Sign ``client`` in as a new member of the role named, and answer the user."""

    def sign_in(role: str):
        user = UserFactory(username=role.lower().replace(" ", "-"))
        user.groups.add(groups[role])
        client.force_login(user)
        return user

    return sign_in


PERMITTED = [roles.BOX_OFFICE, roles.FINANCE, roles.ORGANISER]
REFUSED = [roles.EDITOR, roles.DOOR_STAFF]
