"""Names vulture cannot see being used: read by templates, the database or a library through a
string. Each line says who uses it. Run `make test` (vulture) after removing one to check it."""

# ruff: noqa: B018
_ = object()

# Templates read these (`{{ view.delete_note }}`, `form.area_rows`, simulator result fields).
_.delete_note
_.area_rows
_.margin
_.profit_rule
# Form and filter fields declared as class attributes (django forms / django-filter / tables2 columns).
_.password2
_.q
_.balance_state
_.member_count
_.gateway_count
_.dial
_.file  # ratecards/forms.py upload field
# Model fields set by services and saved (models.py is not scanned).
_.confirmed_at
_.published_at
_.published_by
_.validate_constraints  # connexcs/forms.py: turns off the scratch instance's constraint check
_.site_kind  # request attribute read by views and templates
_.nameservers  # dnspython resolver attribute
# Enum members and model-field helpers used from models.py / choices (not scanned).
_.TCP
_.TLS
_.CurrencyField
_.rate_field
_.amount_field
# Referenced by dotted path or called by a library.
_.AccountSMTPBackend  # accounts.mail.connection(backend="accounts.mail.AccountSMTPBackend")
_.from_field  # django-tables2 column library hook

# Dead code owned by other branches, to be removed there (listed in branch core's report):
_.BuildJobTable  # owned by branch jobs: ratecards/tables.py, no view uses it
_._copy_spool  # owned by branch jobs: ratecards/services.py, never called
_.as_dict  # owned by branch jobs: ratecards/parsing.py, never called
_.csv_file  # owned by branch jobs: tests/ratecards/factories.py, no test uses it
# Django admin site hooks (accounts/admin_site.py), found by dotted path in INSTALLED_APPS.
_.PanelAdminSite
_.site_header
_.site_title
_.has_permission
_.extra_context
_.default_site
_.axes_username  # settings.AXES_USERNAME_CALLABLE
_.commit  # Django's ModelForm.save(commit=...) signature
_.urlconf  # connexcs/hosts.py: request.urlconf, read by Django's URL resolver
_.feature_fields  # portal/forms.py: used by templates/portal/customer_config.html
_.customer_count  # portal/tables.py: a django-tables2 column
_.drain_outbox_at_start  # connexcs/celery.py: a worker_ready signal handler
_.log_errors  # routing/patterns.py: re2 Options attributes
_.max_mem
_.SYNC_MODULE  # routing/switch_config.py: named for readers of the rendered config
_._pool  # tests/connexcs/test_redis_down.py: kombu connection internals reset between tests
_._producer_pool
_.CACHES  # pytest-django settings fixture
_.tone  # connexcs/dashboard.py: read by templates/dashboard.html
_.permission_denied  # connexcs/urls.py handler403
_.handler403  # read by Django's URL resolver
# tests/fakes/base.py: http.server reads it (threads of a fake provider die with the test run).
_.daemon_threads
_.checked_at  # payments: set by gateway_check, shown in templates/payments/inc/check_status.html
_.key_salt  # portal/user_services.py: PasswordResetTokenGenerator hooks
_._make_hash_value
_.field_order  # Django Form option
_.new_password1  # portal/site_views.py: form fields, read through cleaned_data
_.new_password2
_.invited_at  # portal.models.PortalUser, shown in the panel's Contacts tab
_.portal_user_invite  # portal/user_services.py: the panel's invite views
_.carrier_user_invite
_.portal_contact  # portal/site_auth.py: request attributes for portal pages (payments uses them)
_.feature_required
_.has_next  # portal/site_selectors.py Page: read by templates/portal/site/_pager.html
# cdr reports: form fields and table columns declared as class attributes; the Breakout rows'
# `destination`/`totals` are read by its table and template.
_.date_from
_.date_to
_.destination
_.totals
_.acd
_.server_count  # servers/tables.py: django-tables2 columns
_.validators  # servers/forms.py: a form field's validators, read by Django
_.spend  # portal/site_cdr.py Summary: read by templates/portal/site/dashboard.html
_.next_billing  # packages/tables.py: django-tables2 columns
_.removable
_.setup
_.retail
_.free_minutes_take  # packages/freeminutes.py: called by rating (routing/billing.py) per CDR
# Django's ModelChoiceField calls it to label each choice (the audit log's Table filter).
_.label_from_instance
_.used_for  # notices: read by the Templates table (accessor) and the edit page
