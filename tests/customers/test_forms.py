from carriers.forms import CarrierAddForm, GatewayForm
from customers.forms import CustomerAddForm, CustomerForm, IPAuthForm, PaymentForm, SIPUserForm


def test_add_customer_form_has_seed_fields_and_rejects_unknown_currency():
    form = CustomerAddForm(data={"name": "Acme", "currency": "ZZZ"})
    assert list(form.fields) == ["name", "currency"]
    assert not form.is_valid() and list(form.errors) == ["currency"]
    assert CustomerAddForm(data={"name": "Acme", "currency": "GBP"}).is_valid()


def test_customer_form_labels_follow_the_docs():
    form = CustomerForm()
    assert form.fields["debit_limit"].label == "Credit / Debit Limit"
    assert form.fields["cps"].label == "Flow Speed (CPS)"
    assert form.fields["tax_percent"].label == "Tax %"


def test_payment_form_rejects_seven_decimals_and_keeps_decimal():
    form = PaymentForm(data={"description": "x", "amount": "1.1234567", "status": "complete"})
    assert not form.is_valid() and list(form.errors) == ["amount"]
    form = PaymentForm(data={"description": "x", "amount": "1.1234", "status": "complete"})
    assert form.is_valid() and str(form.cleaned_data["amount"]) == "1.1234"


def test_ip_auth_form_leaves_cross_row_rules_to_the_service(db):
    form = IPAuthForm(
        data={
            "address": "10.0.0.1/33",
            "direction": "ingress",
            "protocol": "udp",
            "port": "5060",
            "channels": "0",
            "cps": "0",
            "tech_prefix": "",
        }
    )
    assert form.is_valid()  # the address is judged (and named) by ipauth_create
    assert form.fields["address"].label == "IP Address"


def test_ip_auth_form_checks_port_range(db):
    form = IPAuthForm(data={"address": "192.0.2.1", "direction": "ingress", "protocol": "udp", "port": "0"})
    assert not form.is_valid() and "port" in form.errors


def test_sip_password_is_never_rendered_back():
    form = SIPUserForm(data={"username": "acme", "password": "secret-value"})
    assert "secret-value" not in str(form["password"])


def test_carrier_forms_use_seed_labels(db):
    assert CarrierAddForm().fields["name"].label == "Carrier Name"
    assert GatewayForm().fields["address"].label == "IP Address"
    form = GatewayForm(data={"address": "192.0.2.1", "port": "5060", "protocol": "udp", "weight": "0"})
    assert not form.is_valid() and "weight" in form.errors
