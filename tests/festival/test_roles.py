"""Roles: what each group may do, synced by ``sync_roles`` (seed_demo and the tests' fixtures call it)."""

import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupCollectionPermission
from wagtail.permissions import policy_registry

from festival import roles
from festival.demo import placeholder_image


@pytest.fixture
def member(home):
    groups = roles.sync_roles(root_page=home)

    def make(role: str) -> User:
        user = User.objects.create_user(role.lower().replace(" ", "-"))
        user.groups.add(groups[role])
        return user

    return make


@pytest.fixture
def speaker_photos(home):
    """A collection under the root, holding an image and a document someone else uploaded."""
    collection = Collection.get_first_root_node().add_child(name="Speaker photos")
    image = placeholder_image("Speaker Ada Okafor", size=(200, 200))
    image.collection = collection
    image.save()
    document = Document.objects.create(
        title="Speaker guide", file=ContentFile(b"Arrive early.", name="guide.txt"), collection=collection
    )
    return collection, image, document


def allowed(model, user, collection, item) -> set[str]:
    """What ``user`` may do in ``collection`` as Wagtail's policy for ``model`` sees it: add to it, and
    change (which in Wagtail includes delete) or choose ``item``, which someone else uploaded."""
    policy = policy_registry.get_by_type(model)
    actions = {action for action in ("change", "choose") if policy.user_has_permission_for_instance(user, action, item)}
    if collection in policy.collections_user_has_permission_for(user, "add"):
        actions.add("add")
    return actions


@pytest.mark.parametrize("role", [roles.EDITOR, roles.ORGANISER])
def test_editors_and_organisers_add_change_and_choose_images_and_documents_in_every_collection(
    member, speaker_photos, role
):
    user = member(role)
    collection, image, document = speaker_photos

    assert allowed(Image, user, collection, image) == {"add", "change", "choose"}
    assert allowed(Document, user, collection, document) == {"add", "change", "choose"}


@pytest.mark.parametrize("role", [roles.BOX_OFFICE, roles.FINANCE, roles.DOOR_STAFF])
def test_box_office_finance_and_door_staff_get_no_images_or_documents(member, speaker_photos, role):
    user = member(role)
    collection, image, document = speaker_photos

    assert (
        allowed(Image, user, collection, image),
        allowed(Document, user, collection, document),
    ) == (set(), set())


def test_syncing_roles_again_keeps_one_grant_each_and_takes_back_stray_ones(home):
    groups = roles.sync_roles(root_page=home)
    root = Collection.get_first_root_node()
    stray = Permission.objects.get(content_type__app_label="wagtailimages", codename="delete_image")
    GroupCollectionPermission.objects.create(group=groups[roles.EDITOR], collection=root, permission=stray)
    first = set(GroupCollectionPermission.objects.values_list("group__name", "permission__codename"))

    roles.sync_roles(root_page=home)

    again = list(GroupCollectionPermission.objects.values_list("group__name", "permission__codename"))
    assert len(again) == len(set(again))
    assert set(again) == first - {(roles.EDITOR, "delete_image")}


def test_the_sync_roles_command_gives_a_new_server_every_role_with_its_permissions_and_pages(home):
    editor = User.objects.create_user("editor-on-a-new-server")
    out = io.StringIO()

    call_command("sync_roles", stdout=out)
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    editor = User.objects.get(pk=editor.pk)  # fresh permission caches

    assert set(roles.ROLE_PERMISSIONS) <= set(Group.objects.values_list("name", flat=True))
    assert editor.has_perm(roles.ADMIN_ACCESS)
    assert home.permissions_for_user(editor).can_publish()
    assert f"{len(roles.ROLE_PERMISSIONS)} roles up to date" in out.getvalue()


def test_the_sync_roles_command_keeps_each_person_s_roles_when_run_again(home):
    call_command("sync_roles", stdout=io.StringIO())
    groups = Group.objects.count()
    door = User.objects.create_user("door-person")
    door.groups.add(Group.objects.get(name=roles.DOOR_STAFF))

    call_command("sync_roles", stdout=io.StringIO())

    assert list(door.groups.values_list("name", flat=True)) == [roles.DOOR_STAFF]
    assert Group.objects.count() == groups
