"""The festival's roles, as Django groups, and what each may do.

Apps add their own permissions here as they grow (``app_label.codename``). A missing
permission is skipped, so a role can name one before its app defines it.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

EDITOR = "Editor"
BOX_OFFICE = "Box office"
DOOR_STAFF = "Door staff"
FINANCE = "Finance"
ORGANISER = "Organiser"
ACCESS_TEAM = "Access team"
CHAIR = "Chair"
REVIEWER = "Reviewer"

ADMIN_ACCESS = "wagtailadmin.access_admin"
PROGRAMME_SNIPPETS = [
    f"programme.{action}_{model}"
    for model in ("stage", "track", "sessionformat")
    for action in ("add", "change", "delete", "view")
]
# The shop (issue 4): box office runs sales and refunds; finance looks and exports; organisers do all.
SHOP_MANAGE = [
    f"ticketing.{action}_{model}"
    for model in ("tickettype", "voucher", "order", "waitinglistentry")
    for action in ("add", "change", "view")
] + ["ticketing.refund_order"]
SHOP_VIEW = ["ticketing.view_order", "ticketing.view_tickettype", "ticketing.view_voucher"]
# The ledger and the lists of tickets and check-ins (issue 19): read by box office, finance and organisers.
LEDGER_VIEW = ["ticketing.view_payment", "ticketing.view_refund", "ticketing.view_ticket", "ticketing.view_checkin"]
# Outgoing email (issue 19): box office and organisers see it and retry what failed.
OUTBOX = ["outbox.view_outgoingemail", "outbox.retry_outgoingemail"]
# Messages to ticket holders: organisers write, test, schedule and send them (and read their log).
MAILINGS = [f"mailings.{action}_message" for action in ("add", "change", "view", "send")]
# Exports and the admin home's dashboard panels (issue 19): each role sees the figures it works with.
EXPORT = "reports.export_sales"
CAPACITY, REVENUE, SALES, ARRIVALS = (f"reports.view_{name}" for name in ("capacity", "revenue", "sales", "arrivals"))
# Imports from spreadsheets (organisers' tools): editors bring in the programme, box office the complimentary tickets.
IMPORT_PROGRAMME, IMPORT_COMPLIMENTARY = "imports.import_programme", "imports.import_complimentary"
# Attendees' access needs (the access team only) and a person's data, anonymising (organisers).
ACCESS_NEEDS = "ticketing.view_access_needs"
PERSONAL_DATA = "ticketing.manage_personal_data"
# The assembly: the chair opens, closes and counts votes and edits them and the agenda; organisers do all.
ASSEMBLY_EDIT = [
    f"assembly.{action}_{model}"
    for model in ("motionswindow", "motion", "amendment", "delegate", "vote", "agenda")
    for action in ("add", "change", "view")
]
CHAIR_VOTE = "assembly.chair_vote"
# The call for proposals: reviewers score; organisers (the programme committee) open calls, review and decide.
REVIEW_PROPOSALS, DECIDE_PROPOSALS = "proposals.review_proposal", "proposals.decide_proposal"
CALLS = [f"proposals.{action}_call" for action in ("add", "change", "delete", "view")]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: [ADMIN_ACCESS, *PROGRAMME_SNIPPETS, IMPORT_PROGRAMME],
    BOX_OFFICE: [
        ADMIN_ACCESS,
        "ticketing.manage_badges",
        *SHOP_MANAGE,
        *LEDGER_VIEW,
        *OUTBOX,
        EXPORT,
        CAPACITY,
        SALES,
        ARRIVALS,
        IMPORT_COMPLIMENTARY,
    ],  # fmt: skip
    DOOR_STAFF: ["ticketing.scan_badges"],
    FINANCE: [ADMIN_ACCESS, *SHOP_VIEW, *LEDGER_VIEW, EXPORT, REVENUE, SALES],
    ORGANISER: [
        ADMIN_ACCESS,
        *PROGRAMME_SNIPPETS,
        "wagtailcore.change_site",
        "festival.change_festivalsettings",
        "festival.postpone_edition",
        "festival.view_postponement",
        "ticketing.scan_badges",
        "ticketing.manage_badges",
        *SHOP_MANAGE,
        *LEDGER_VIEW,
        "ticketing.delete_tickettype",
        "ticketing.delete_voucher",
        *OUTBOX,
        *MAILINGS,
        EXPORT,
        CAPACITY,
        REVENUE,
        SALES,
        ARRIVALS,
        IMPORT_PROGRAMME,
        IMPORT_COMPLIMENTARY,
        PERSONAL_DATA,
        *ASSEMBLY_EDIT,
        CHAIR_VOTE,
        *CALLS,
        REVIEW_PROPOSALS,
        DECIDE_PROPOSALS,
    ],
    # The access team sees attendees' access needs and nothing else (``LIMITED_ROLES``).
    ACCESS_TEAM: [ADMIN_ACCESS, ACCESS_NEEDS],
    CHAIR: [ADMIN_ACCESS, CHAIR_VOTE, *[p for p in ASSEMBLY_EDIT if "_vote" in p or "_agenda" in p or "view_" in p]],
    REVIEWER: [ADMIN_ACCESS, REVIEW_PROPOSALS],
}

# Roles confined to a few admin pages (by URL name): any other admin page answers 403, and the
# admin home sends them to the first. A user whose permissions are all within such a role is confined.
LIMITED_ROLES: dict[str, list[str]] = {ACCESS_TEAM: ["ticketing_access_needs"]}

# Wagtail page permissions on the site's root page, per role.
ROLE_PAGE_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    ORGANISER: [
        "add_page",
        "change_page",
        "publish_page",
        "delete_page",
        "lock_page",
        "unlock_page",
        "bulk_delete_page",
    ],
}

# Images and documents, per role: upload, edit (in Wagtail that includes delete) and choose them in the
# page editor. Wagtail grants these per collection (a group's own permissions do not count), so each
# role gets them on the root collection, which holds every other collection.
IMAGES = ["wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image"]
DOCUMENTS = ["wagtaildocs.add_document", "wagtaildocs.change_document", "wagtaildocs.choose_document"]
ROLE_COLLECTION_PERMISSIONS: dict[str, list[str]] = {
    EDITOR: [*IMAGES, *DOCUMENTS],
    ORGANISER: [*IMAGES, *DOCUMENTS],
}


def _permission(dotted: str) -> Permission | None:
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()


def sync_roles(*, root_page: Page | None = None) -> dict[str, Group]:
    """Create or update one group per role with exactly its permissions: its own, its images' and
    documents' on the root collection, and with ``root_page`` its pages' on that page."""
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name, dotted_names in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [p for p in (_permission(d) for d in dotted_names) if p is not None]
        group.permissions.set(permissions)
        groups[name] = group
        if root_collection is not None:
            wanted = [p for p in (_permission(d) for d in ROLE_COLLECTION_PERMISSIONS.get(name, [])) if p]
            existing = GroupCollectionPermission.objects.filter(group=group, collection=root_collection)
            existing.exclude(permission__in=wanted).delete()
            for permission in wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        if root_page is not None:
            wanted = set(ROLE_PAGE_PERMISSIONS.get(name, []))
            existing = GroupPagePermission.objects.filter(group=group, page=root_page)
            existing.exclude(permission__codename__in=wanted).delete()
            for codename in wanted:
                permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
                GroupPagePermission.objects.get_or_create(group=group, page=root_page, permission=permission)
    return groups
