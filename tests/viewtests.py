"""The permission matrix, written once (after NetBox's ViewTestCases).

An app's view tests state what they serve and inherit the matrix:

    class TestCarrierViews(ViewTestCases):
        area = Area.CARRIER
        other_area = Area.CUSTOMER
        read_only = {"carriers:carrier_list", ...}

        @pytest.fixture
        def pages(self, world):
            return [("carriers:carrier_list", {}, "get"), ("carriers:carrier_detail", {"pk": ...}, "get")]

Each page is (url name, kwargs, method). The matrix: anonymous -> log-in page; no grant, a grant in
another area, or a Deny -> 403; read-only -> 200 on `read_only` pages and 403 on a POST to them and
on every other page; a writer -> 200 (or a redirect for POST actions); an unknown pk -> 404.
"""

from django.urls import reverse

from accounts.choices import Access, Level
from tests.factories import AdminFactory, UserFactory, grant

UNKNOWN_PK = 2_000_000_000


class ViewTestCases:
    area: str = ""
    other_area: str = ""
    read_only: set[str] = set()

    def users(self) -> dict:
        nobody = UserFactory()
        elsewhere = UserFactory()
        grant(elsewhere, self.other_area)
        denied = UserFactory()
        grant(denied, self.area)
        grant(denied, self.area, level=Level.DENY)
        reader = UserFactory()
        grant(reader, self.area, access=Access.READ)
        writer = UserFactory()
        grant(writer, self.area)
        return {
            "nobody": nobody,
            "elsewhere": elsewhere,
            "denied": denied,
            "reader": reader,
            "writer": writer,
        }

    def test_anonymous_visitors_are_sent_to_log_in(self, client, pages):
        for name, kwargs, method in pages:
            response = getattr(client, method)(reverse(name, kwargs=kwargs))
            assert response.status_code == 302 and "/accounts/login/" in response.url, name

    def test_no_grant_no_page(self, client, pages):
        users = self.users()
        for who in ("nobody", "elsewhere", "denied"):
            client.force_login(users[who])
            for name, kwargs, method in pages:
                assert getattr(client, method)(reverse(name, kwargs=kwargs)).status_code == 403, (name, who)

    def test_read_only_reads_and_cannot_write(self, client, pages):
        client.force_login(self.users()["reader"])
        for name, kwargs, method in pages:
            url = reverse(name, kwargs=kwargs)
            expected = 200 if name in self.read_only and method == "get" else 403
            assert getattr(client, method)(url).status_code == expected, name
            if name in self.read_only:
                assert client.post(url).status_code == 403, (name, "POST")

    def test_writer_gets_every_page(self, client, pages):
        client.force_login(self.users()["writer"])
        for name, kwargs, method in pages:
            status = getattr(client, method)(reverse(name, kwargs=kwargs)).status_code
            assert status == 200 or (method == "post" and status == 302), (name, status)

    def test_unknown_pk_is_404(self, client, pages):
        client.force_login(AdminFactory())
        for name, kwargs, method in pages:
            for key in [k for k in kwargs if k == "pk" or k.endswith("_pk")]:
                url = reverse(name, kwargs={**kwargs, key: UNKNOWN_PK})
                assert getattr(client, method)(url).status_code == 404, (name, key)
