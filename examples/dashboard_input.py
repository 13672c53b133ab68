#!/usr/bin/env python3
"""Turn an `inlet export` document into a dashboard's input: one small JSON of KPIs.

    inlet export --client acme --out - | python3 examples/dashboard_input.py > acme-kpis.json
    python3 examples/dashboard_input.py export/acme.json > acme-kpis.json

Reads only the export contract (schema_version 2): contacts, companies, deals, customers,
invoices, payments, each row with its `source`. Money is exact: amounts are added as integer
minor units, and only within one currency; every total is a list with one entry per currency.
Standard library only.
"""
import collections
import json
import sys


def load(argv):
    if len(argv) > 1 and argv[1] != "-":
        with open(argv[1], encoding="utf-8") as handle:
            return json.load(handle)
    return json.load(sys.stdin)


def decimal(minor_units, exponent):
    """Minor units as a decimal string with `exponent` places, exactly (no float)."""
    sign = "-" if minor_units < 0 else ""
    whole, fraction = divmod(abs(minor_units), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}" if exponent else f"{sign}{whole}"


class Totals:
    """Sums of money per currency (and per an optional key such as a month)."""

    def __init__(self):
        self.sums = collections.defaultdict(int)
        self.exponents = {}

    def add(self, money, key=()):
        if money is None:
            return
        self.sums[(key, money["currency"])] += money["minor_units"]
        self.exponents[money["currency"]] = money["exponent"]

    def rows(self, key_names=()):
        return [
            {
                **dict(zip(key_names, key)),
                "currency": currency,
                "minor_units": minor_units,
                "decimal": decimal(minor_units, self.exponents[currency]),
            }
            for (key, currency), minor_units in sorted(self.sums.items())
        ]


def deal_status(deal):
    """`open`, `won` or `lost`; HubSpot's default pipeline ids stand in until labels resolve."""
    if deal.get("status"):
        return deal["status"]
    return {"closedwon": "won", "closedlost": "lost"}.get(deal.get("stage_id"), "open")


def main(argv):
    document = load(argv)
    if document.get("schema_version") != 2:
        sys.exit(f"unsupported export schema_version {document.get('schema_version')!r}")
    deals = document["deals"]
    open_pipeline, won = Totals(), Totals()
    by_stage = collections.Counter()
    for deal in deals:
        status = deal_status(deal)
        by_stage[deal["stage"] or deal["stage_id"] or "unknown"] += 1
        if status == "open":
            open_pipeline.add(deal["amount"])
        elif status == "won":
            won.add(deal["amount"])
    revenue = Totals()
    for payment in document["payments"]:
        if payment["status"] == "succeeded":
            month = (payment["created_at"] or "")[:7] or "unknown"
            revenue.add(payment["amount"], (month,))
    invoices = document["invoices"]
    outstanding = Totals()
    for invoice in invoices:
        if invoice["status"] == "open":
            outstanding.add(invoice["amount_remaining"])
    customers = {customer["id"] for customer in document["customers"]}
    kpis = {
        "client": document["client"],
        "generated_at": document["generated_at"],
        "sources": [entry["connection"] for entry in document["manifest"]["connections"]],
        "contacts": len(document["contacts"]),
        "companies": len(document["companies"]),
        "customers": len(customers),
        "deals": {
            "total": len(deals),
            "open": sum(1 for deal in deals if deal_status(deal) == "open"),
            "open_pipeline": open_pipeline.rows(),
            "won_amount": won.rows(),
            "by_stage": dict(sorted(by_stage.items())),
        },
        "revenue_by_month": revenue.rows(("month",)),
        "open_invoices": sum(1 for invoice in invoices if invoice["status"] == "open"),
        "outstanding": outstanding.rows(),
        # Foreign keys are ids: an invoice joins its customer by plain equality.
        "invoices_with_known_customer": sum(
            1 for invoice in invoices if invoice["customer_id"] in customers
        ),
    }
    json.dump(kpis, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
