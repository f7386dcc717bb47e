import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.choices import Access, Area, Level, Role
from accounts.models import AccountSettings, GroupPermission, PermissionGroup, User
from connexcs.models import AuditEvent
from connexcs.permissions import can
from tests.factories import PASSWORD, AdminFactory, PermissionGroupFactory, UserFactory, grant
from tests.viewtests import ViewTestCases

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "accounts:my_account",
    "accounts:company_edit",
    "accounts:general_edit",
    "accounts:smtp",
    "accounts:user_list",
    "accounts:user_add",
    "accounts:group_list",
    "accounts:group_add",
]


@pytest.fixture
def member():
    return UserFactory(email="member@example.test")


def user_with(level, access=Access.WRITE):
    user = UserFactory()
    grant(user, Area.ACCOUNT, level, access)
    return user


class TestAccountViews(ViewTestCases):
    area = Area.ACCOUNT
    other_area = Area.CUSTOMER
    read_only = {"accounts:my_account", "accounts:smtp", "accounts:user_list", "accounts:group_list"}

    @pytest.fixture
    def pages(self, member):
        group = PermissionGroupFactory()
        one_user = ["accounts:user_edit", "accounts:user_password", "accounts:user_delete"]
        return [
            *[(name, {}, "get") for name in ACCOUNT_PAGES],
            *[(name, {"pk": member.pk}, "get") for name in one_user],
            ("accounts:group_edit", {"pk": group.pk}, "get"),
            ("accounts:group_delete", {"pk": group.pk}, "get"),
            ("accounts:user_disable", {"pk": member.pk}, "post"),
            ("accounts:user_enable", {"pk": member.pk}, "post"),
        ]


def test_smtp_edit_is_for_administrators_only(client):
    url = reverse("accounts:smtp_edit")
    assert client.get(url).status_code == 302
    for who, status in [(user_with(Level.ALLOW), 403), (AdminFactory(), 200)]:
        client.force_login(who)
        assert client.get(url).status_code == status, who


def test_select_level_gives_no_page(client):
    client.force_login(user_with(Level.SELECT))
    for name in ACCOUNT_PAGES:
        assert client.get(reverse(name)).status_code == 403, name


def test_deny_beats_allow_and_read_only_cannot_write(client, member):
    denied = user_with(Level.ALLOW)
    grant(denied, Area.ACCOUNT, Level.DENY)
    client.force_login(denied)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    reader = user_with(Level.ALLOW, Access.READ)
    client.force_login(reader)
    assert client.get(reverse("accounts:user_list")).status_code == 200
    assert client.post(reverse("accounts:user_disable", args=[member.pk])).status_code == 403
    member.refresh_from_db()
    assert member.is_active


def test_tabs_and_menu_hide_account_pages_from_a_user_without_the_area(client):
    client.force_login(user_with(Level.DENY))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Current User" in page and "Security" in page
    assert ">Users<" not in page and ">SMTP<" not in page
    client.force_login(AdminFactory())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert ">Users<" in page and ">Groups<" in page and ">SMTP<" in page and ">Config<" in page


# --- Config --------------------------------------------------------------------------------------


def test_company_and_general_information_are_saved_and_audited(admin_client):
    response = admin_client.post(
        reverse("accounts:company_edit"),
        {
            "company_name": "Acme Telecom",
            "address_line1": "1 High Street",
            "address_line2": "Suite 2",
            "city": "London",
            "county": "Greater London",
            "country": "GB",
            "post_code": "EC1A 1BB",
        },
    )
    assert response.status_code == 302
    response = admin_client.post(
        reverse("accounts:general_edit"),
        {
            "currency": "GBP",
            "date_format": "d/m/Y",
            "phone": "+442071234567",
            "mobile": "+447911123456",
            "email_on_login": "on",
        },
    )
    assert response.status_code == 302
    row = AccountSettings.load()
    assert (row.company_name, row.country.code, row.currency, row.email_on_login) == (
        "Acme Telecom",
        "GB",
        "GBP",
        True,
    )
    page = admin_client.get(reverse("accounts:my_account")).content.decode()
    assert "Acme Telecom" in page and "EC1A 1BB" in page and "Company Information" in page
    assert AuditEvent.objects.filter(action="account.update").count() == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"currency": "XXY", "date_format": "Y-m-d"}, "currency"),
        ({"currency": "GBP", "date_format": "Y-m-d", "mobile": "07911 123456"}, "mobile"),
        ({"currency": "GBP", "date_format": "someday"}, "date_format"),
        ({"currency": "GBP", "date_format": "Y-m-d", "phone": "020 7123 4567"}, "phone"),
    ],
)
def test_bad_general_information_names_the_field_and_changes_nothing(admin_client, data, field):
    response = admin_client.post(reverse("accounts:general_edit"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert AccountSettings.load().currency == "USD"
    assert not AuditEvent.objects.filter(action="account.update").exists()


# --- Current User --------------------------------------------------------------------------------


def test_personal_information_edit(client):
    user = UserFactory(name="Old Name", email="me@example.test")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"), {"name": "New Name", "email": "me2@example.test"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.email, user.email_verified_at) == ("New Name", "me2@example.test", None)
    assert "New Name" in client.get(reverse("accounts:profile")).content.decode()


def test_password_change_rejects_a_weak_password_and_keeps_the_session(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:password_change")
    weak = client.post(url, {"old_password": PASSWORD, "password": "password", "password2": "password"})
    assert weak.status_code == 200 and "password" in weak.context["form"].errors
    wrong_old = client.post(
        url, {"old_password": "nope", "password": "N3w-Long-Passphrase", "password2": "N3w-Long-Passphrase"}
    )
    assert "old_password" in wrong_old.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    ok = client.post(
        url, {"old_password": PASSWORD, "password": "N3w-Long-Passphrase", "password2": "N3w-Long-Passphrase"}
    )
    assert ok.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200  # still logged in
    user.refresh_from_db()
    assert user.check_password("N3w-Long-Passphrase")


# --- Users ---------------------------------------------------------------------------------------


def test_add_user_with_role_and_group(admin_client):
    group = PermissionGroupFactory(name="Billing")
    response = admin_client.post(
        reverse("accounts:user_add"),
        {
            "name": "Nina",
            "password": "Another-G00d-Pass",
            "role": Role.ADMIN,
            "email": "Nina@Example.test",
            "groups": [group.pk],
        },
    )
    assert response.status_code == 302
    nina = User.objects.get(email="nina@example.test")
    assert nina.role == Role.ADMIN and nina.check_password("Another-G00d-Pass")
    assert list(nina.permission_groups.all()) == [group]
    assert AuditEvent.objects.filter(action="user.create", object_id=str(nina.pk)).exists()
    assert (
        Client()
        .post("/accounts/login/", {"username": "nina@example.test", "password": "Another-G00d-Pass"})
        .status_code
        == 302
    )


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "MEMBER@example.test", "password": "Another-G00d-Pass"}, "email"),
        ({"email": "new@example.test", "password": "12345678"}, "password"),
        ({"email": "new@example.test", "password": "short"}, "password"),
        ({"email": "not-an-email", "password": "Another-G00d-Pass"}, "email"),
    ],
)
def test_bad_new_user_names_the_field_and_changes_nothing(admin_client, member, data, field):
    before = User.objects.count()
    response = admin_client.post(reverse("accounts:user_add"), {"name": "X", "role": Role.USER, **data})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert User.objects.count() == before


def test_edit_user_refuses_a_duplicate_email(admin_client, member):
    other = UserFactory(email="other@example.test")
    response = admin_client.post(
        reverse("accounts:user_edit", args=[other.pk]),
        {"name": "Other", "role": Role.USER, "email": member.email},
    )
    assert response.status_code == 200 and "email" in response.context["form"].errors
    other.refresh_from_db()
    assert other.email == "other@example.test"


def test_edit_user_and_set_their_password(admin_client, member):
    response = admin_client.post(
        reverse("accounts:user_edit", args=[member.pk]),
        {"name": "Renamed", "role": Role.USER, "email": member.email},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.name == "Renamed"
    response = admin_client.post(
        reverse("accounts:user_password", args=[member.pk]),
        {"password": "Brand-New-Pass-1", "password2": "Brand-New-Pass-1"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Brand-New-Pass-1")
    assert AuditEvent.objects.filter(action="user.password_change", object_id=str(member.pk)).exists()


def test_disabling_a_user_ends_their_sessions(admin_client, member):
    theirs = Client()
    assert (
        theirs.post("/accounts/login/", {"username": member.email, "password": PASSWORD}).status_code == 302
    )
    assert theirs.get("/").status_code == 200
    assert admin_client.post(reverse("accounts:user_disable", args=[member.pk])).status_code == 302
    assert not Session.objects.filter(session_key=theirs.session.session_key).exists()
    assert theirs.get("/").status_code == 302
    assert (
        theirs.post("/accounts/login/", {"username": member.email, "password": PASSWORD}).status_code == 200
    )
    assert AuditEvent.objects.filter(action="user.disable", object_id=str(member.pk)).exists()
    admin_client.post(reverse("accounts:user_enable", args=[member.pk]))
    member.refresh_from_db()
    assert member.is_active


def test_admin_cannot_disable_or_delete_themselves(admin_client, admin_user):
    response = admin_client.post(reverse("accounts:user_disable", args=[admin_user.pk]), follow=True)
    assert "cannot disable yourself" in response.content.decode()
    response = admin_client.post(reverse("accounts:user_delete", args=[admin_user.pk]), follow=True)
    assert "cannot delete yourself" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_delete_user(admin_client, member):
    assert admin_client.get(reverse("accounts:user_delete", args=[member.pk])).status_code == 200
    assert admin_client.post(reverse("accounts:user_delete", args=[member.pk])).status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert AuditEvent.objects.filter(action="user.delete", object_id=str(member.pk)).exists()


def test_user_list_filters_and_shows_groups(admin_client, member):
    grant(member, Area.CUSTOMER)
    page = admin_client.get(reverse("accounts:user_list"), {"q": "member"}).content.decode()
    assert "member@example.test" in page and "Add User" in page


def test_user_list_query_count_is_constant(admin_client, django_assert_max_num_queries):
    def rows(n):
        for _ in range(n):
            grant(UserFactory(), Area.CUSTOMER)

    rows(3)
    with django_assert_max_num_queries(100) as small:
        admin_client.get(reverse("accounts:user_list"))
    rows(6)
    with django_assert_max_num_queries(100) as large:
        admin_client.get(reverse("accounts:user_list"))
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Groups --------------------------------------------------------------------------------------


def group_data(name, members=(), **levels):
    data = {"name": name, "members": [m.pk for m in members]}
    for area in Area.values:
        level, access = levels.get(area, (Level.SELECT, Access.WRITE))
        data[f"level_{area}"] = level
        data[f"access_{area}"] = access
    return data


def test_group_levels_drive_the_permission_check(admin_client, member):
    response = admin_client.post(
        reverse("accounts:group_add"),
        group_data(
            "Engineering", [member], routing=(Level.ALLOW, Access.WRITE), customer=(Level.DENY, Access.READ)
        ),
    )
    assert response.status_code == 302
    group = PermissionGroup.objects.get(name="Engineering")
    assert GroupPermission.objects.filter(group=group).count() == len(Area.values)
    member = User.objects.get(pk=member.pk)
    assert can(member, Area.ROUTING, write=True) and not can(member, Area.CUSTOMER)
    response = admin_client.post(
        reverse("accounts:group_edit", args=[group.pk]),
        group_data("Engineering", [member], routing=(Level.ALLOW, Access.READ)),
    )
    assert response.status_code == 302
    member = User.objects.get(pk=member.pk)
    assert can(member, Area.ROUTING) and not can(member, Area.ROUTING, write=True)
    event = AuditEvent.objects.filter(action="group.update").first()
    assert event.before["permissions"]["routing"] == "allow/write"
    assert event.after["permissions"]["routing"] == "allow/read"


def test_group_edit_form_shows_current_levels(admin_client):
    group = PermissionGroupFactory(name="Billing")
    GroupPermission.objects.create(group=group, area=Area.CUSTOMER, level=Level.ALLOW)
    form = admin_client.get(reverse("accounts:group_edit", args=[group.pk])).context["form"]
    assert form["level_customer"].value() == Level.ALLOW and form["name"].value() == "Billing"


def test_duplicate_group_name_is_refused(admin_client):
    PermissionGroupFactory(name="Billing")
    response = admin_client.post(reverse("accounts:group_add"), group_data("billing"))
    assert response.status_code == 200 and "name" in response.context["form"].errors
    assert PermissionGroup.objects.count() == 1


def test_bad_level_is_refused(admin_client):
    data = group_data("Sales")
    data["level_customer"] = "superuser"
    response = admin_client.post(reverse("accounts:group_add"), data)
    assert response.status_code == 200 and "level_customer" in response.context["form"].errors
    assert not PermissionGroup.objects.exists()


def test_delete_group(admin_client):
    group = PermissionGroupFactory(name="Temp")
    assert admin_client.post(reverse("accounts:group_delete", args=[group.pk])).status_code == 302
    assert not PermissionGroup.objects.exists()
    assert AuditEvent.objects.filter(action="group.delete").exists()


def test_group_list_query_count_is_constant(admin_client, django_assert_max_num_queries):
    def rows(n):
        for _ in range(n):
            group = PermissionGroupFactory()
            GroupPermission.objects.create(group=group, area=Area.CARD, level=Level.ALLOW)
            group.members.add(UserFactory())

    rows(3)
    with django_assert_max_num_queries(100) as small:
        admin_client.get(reverse("accounts:group_list"))
    rows(6)
    with django_assert_max_num_queries(100) as large:
        admin_client.get(reverse("accounts:group_list"))
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_non_admin_with_account_access_cannot_make_or_touch_an_administrator(client):
    manager = user_with(Level.ALLOW)
    boss = AdminFactory(email="boss@example.test")
    client.force_login(manager)
    response = client.post(
        reverse("accounts:user_add"),
        {"name": "Eve", "password": "Another-G00d-Pass", "role": Role.ADMIN, "email": "eve@example.test"},
    )
    assert response.status_code == 200 and "role" in response.context["form"].errors
    assert not User.objects.filter(email="eve@example.test").exists()
    response = client.post(
        reverse("accounts:user_password", args=[boss.pk]),
        {"password": "Brand-New-Pass-1", "password2": "Brand-New-Pass-1"},
    )
    assert response.status_code == 200
    client.post(reverse("accounts:user_disable", args=[boss.pk]))
    boss.refresh_from_db()
    assert boss.is_active and boss.check_password(PASSWORD)
    response = client.post(
        reverse("accounts:user_add"),
        {"name": "Uma", "password": "Another-G00d-Pass", "role": Role.USER, "email": "uma@example.test"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("port", ["0", "70000", "abc"])
def test_bad_smtp_port_is_refused(admin_client, port):
    response = admin_client.post(
        reverse("accounts:smtp_edit"), {"smtp_server": "mail.example.test", "smtp_port": port}
    )
    assert response.status_code == 200 and "smtp_port" in response.context["form"].errors
    assert AccountSettings.load().smtp_server == ""
