from django.db import models


class DNSStatus(models.TextChoices):
    PENDING = "pending", "Checking"
    OK = "ok", "CNAME verified"
    FAILED = "failed", "Not verified"


class Override(models.TextChoices):
    SHOW = "show", "Show"
    HIDE = "hide", "Hide"


# The seeds' Breakout and CDR tabs: which report columns each kind of portal user may see.
class BreakoutColumn(models.TextChoices):
    DESTINATION = "destination", "Destination"
    PREFIX = "prefix", "Prefix"
    CALLS = "calls", "Calls"
    ATTEMPTS = "attempts", "Attempts"
    DURATION = "duration", "Duration"
    ASR = "asr", "ASR"
    ACD = "acd", "ACD"
    BILLED = "billed", "Billed Amount"
    COST = "cost", "Cost"
    PROFIT = "profit", "Profit"


class CDRColumn(models.TextChoices):
    DATE = "date", "Date"
    CLI = "cli", "CLI"
    DEST_NUMBER = "dest_number", "Dest Number"
    DESTINATION = "destination", "Destination"
    DURATION = "duration", "Duration"
    BILLED_DURATION = "billed_duration", "Billed Duration"
    RATE = "rate", "Rate"
    CHARGE = "charge", "Charge"
    STATUS = "status", "Status"
    SIP_CODE = "sip_code", "SIP Code"
    CALL_ID = "call_id", "Call ID"
    CARRIER = "carrier", "Carrier"
    COST = "cost", "Cost"


BREAKOUT_CUSTOMER_DEFAULT = ["destination", "calls", "duration", "asr", "acd", "billed"]
CDR_CUSTOMER_DEFAULT = ["date", "cli", "dest_number", "destination", "duration", "charge", "status"]
