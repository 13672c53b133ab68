#!/usr/bin/env python3
"""Turn an `inlet export` document into a dashboard's input: one small JSON of KPIs.

    inlet export --client acme --out - | python3 examples/dashboard_input.py > acme-kpis.json
    python3 examples/dashboard_input.py export/acme.json > acme-kpis.json

Reads only the export contract (schema_version 1): contacts, companies, deals, invoices,
payments, each row with its `source`. Standard library only.
"""
import collections
import json
import sys


def load(argv):
    if len(argv) > 1 and argv[1] != "-":
        with open(argv[1], encoding="utf-8") as handle:
            return json.load(handle)
    return json.load(sys.stdin)


def main(argv):
    document = load(argv)
    if document.get("schema_version") != 1:
        sys.exit(f"unsupported export schema_version {document.get('schema_version')!r}")
    deals = document.get("deals", [])
    open_deals = [deal for deal in deals if deal.get("stage") not in ("closedwon", "closedlost")]
    won = [deal for deal in deals if deal.get("stage") == "closedwon"]
    by_stage = collections.Counter(deal.get("stage") or "unknown" for deal in deals)
    payments = [payment for payment in document.get("payments", []) if payment.get("status") == "succeeded"]
    revenue = collections.defaultdict(float)
    for payment in payments:
        month = (payment.get("created_at") or "")[:7] or "unknown"
        revenue[(month, payment.get("currency") or "?")] += payment.get("amount") or 0
    invoices = document.get("invoices", [])
    kpis = {
        "client": document.get("client"),
        "generated_at": document.get("generated_at"),
        "sources": [entry["connection"] for entry in document["manifest"]["connections"]],
        "contacts": len(document.get("contacts", [])),
        "companies": len(document.get("companies", [])),
        "deals": {
            "total": len(deals),
            "open": len(open_deals),
            "open_pipeline": round(sum(deal.get("amount") or 0 for deal in open_deals), 2),
            "won_amount": round(sum(deal.get("amount") or 0 for deal in won), 2),
            "by_stage": dict(sorted(by_stage.items())),
        },
        "revenue_by_month": [
            {"month": month, "currency": currency, "amount": round(amount, 2)}
            for (month, currency), amount in sorted(revenue.items())
        ],
        "open_invoices": sum(1 for invoice in invoices if invoice.get("status") == "open"),
    }
    json.dump(kpis, sys.stdout, indent=2, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
