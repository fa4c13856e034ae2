"""No export, in any format and for any role that may export, carries an attendee's access needs."""

import pytest
from django.utils import timezone

from reports import exports
from ticketing.models import AccessNeeds, Ticket

from .conftest import PERMITTED
from .test_exports import download, rows_of
from .test_exports import sales as sales  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

MARKERS = ["Kosher-ZQX-marker", "Needs-a-ramp-ZQX", "BSL", "wheelchair", "Sign Language", "access need", "dietary"]


@pytest.fixture
def needs(sales):  # noqa: F811 (the fixture imported above)
    for ticket in Ticket.objects.all():
        AccessNeeds.objects.create(
            ticket=ticket,
            bsl=True,
            wheelchair_space=True,
            carer=True,
            dietary="Kosher-ZQX-marker",
            other="Needs-a-ramp-ZQX",
            consented_at=timezone.now(),
        )
    return sales


@pytest.mark.parametrize("role", PERMITTED)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_no_dataset_carries_access_needs(client, signed_in, festival, needs, role, file_format):
    signed_in(role)

    for dataset in exports.DATASETS:
        response = download(client, festival, dataset, file_format)
        assert response.status_code == 200
        text = " ".join(str(cell) for row in rows_of(response) for cell in row if cell is not None).lower()
        assert "ada lovelace" in text or dataset in ("payments", "refunds", "orders")
        for marker in MARKERS:
            assert marker.lower() not in text, (dataset, marker)
