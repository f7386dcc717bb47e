"""Seed 002 "Users": add a user and a group from My Account."""

import pytest
from playwright.sync_api import expect

from accounts.choices import Area
from accounts.models import User
from connexcs.permissions import can
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, AdminFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_add_a_user_then_a_group_with_permissions(page):
    AdminFactory(email="admin@example.test")
    log_in(page, "admin@example.test", PASSWORD)
    page.get_by_role("navigation", name="Main menu").get_by_text("My Account").click()
    # 1. Click on the Users section.  2. Click the '+' icon to add a new user.
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="Add User").click()
    # Name, Password, Role (User or Administrator), Email; then Save.
    page.get_by_role("textbox", name="Name").fill("Nina Network")
    page.get_by_label("Password").fill("weak")
    page.get_by_label("Role").select_option(label="User")
    page.get_by_role("textbox", name="Email").fill("nina@example.test")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("This password is too short")).to_be_visible()
    page.get_by_label("Password").fill("Another-G00d-Pass")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="nina@example.test", exact=True)).to_be_visible()

    page.get_by_role("link", name="Groups", exact=True).click()
    page.get_by_role("link", name="Add Group").click()
    page.get_by_role("textbox", name="Name").fill("Engineering")
    page.get_by_label("Nina Network").check()
    page.get_by_label("Routing", exact=True).select_option(label="Allow")
    page.get_by_label("Customer", exact=True).select_option(label="Deny")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("cell", name="Engineering", exact=True)).to_be_visible()
    expect(page.get_by_text("Routing: Allow")).to_be_visible()
    nina = User.objects.get(email="nina@example.test")
    assert can(nina, Area.ROUTING, write=True) and not can(nina, Area.CUSTOMER)
