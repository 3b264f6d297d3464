"""Compiled reports: the list, and each one as HTML or PDF (viewer role and up).

The workers compile and store reports (workers/reports); the API only reads the
stored ones, each with the log position it was compiled at.
"""

from __future__ import annotations

from flask import Response, current_app
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields
from sqlalchemy import func, select

from app.auth import READERS, current_account, requires
from app.schemas.goals import MunicipalityQuerySchema
from events.store.reports import report_deliveries, reports

blp = Blueprint(
    "reports", __name__, url_prefix="/reports", description="Compiled reports"
)


class ReportOutSchema(Schema):
    id = fields.String()
    municipality = fields.String()
    period = fields.String(metadata={"example": "2025-H1"})
    position = fields.Integer(
        metadata={"description": "The log position its figures are counted to"}
    )
    compiled_at = fields.AwareDateTime()
    requested_by = fields.String(metadata={"example": "scheduler"})
    sent_to = fields.Integer(metadata={"description": "Recipients it was sent to"})
    html = fields.String(metadata={"description": "Where to read it as HTML"})
    pdf = fields.String(metadata={"description": "Where to download the PDF"})


@blp.route("")
class Reports(MethodView):
    @requires(*READERS)
    @blp.arguments(MunicipalityQuerySchema, location="query")
    @blp.response(200, ReportOutSchema(many=True))
    def get(self, query):
        """The municipality's reports, newest first."""
        t, d = reports, report_deliveries
        sent = (
            select(func.count(func.distinct(d.c.recipient)))
            .where(d.c.report_id == t.c.id, d.c.status == "sent")
            .scalar_subquery()
        )
        rows = select(
            t.c.id, t.c.municipality, t.c.period, t.c.position, t.c.compiled_at,
            t.c.requested_by, sent.label("sent_to"),
        ).where(t.c.municipality == query["municipality"]).order_by(
            t.c.compiled_at.desc()
        )  # fmt: skip
        with current_app.extensions["store"].engine.connect() as conn:
            found = [row._asdict() for row in conn.execute(rows)]
        base = "/api/v1/reports"
        return [
            {**r, "html": f"{base}/{r['id']}.html", "pdf": f"{base}/{r['id']}.pdf"}
            for r in found
        ]


@blp.route("/<id:report_id>.<any(html, pdf):kind>")
class ReportDocument(MethodView):
    @requires(*READERS)
    @blp.response(200, content_type="application/pdf")
    def get(self, report_id, kind):
        """One report as HTML or PDF."""
        column = reports.c.html if kind == "html" else reports.c.pdf
        query = select(reports.c.municipality, reports.c.period, column).where(
            reports.c.id == report_id
        )
        with current_app.extensions["store"].engine.connect() as conn:
            row = conn.execute(query).first()
        own = current_account().municipality
        if row is None or own not in (None, row.municipality):
            abort(404, message="No such report.")
        if kind == "html":
            return Response(row[2], mimetype="text/html")
        name = f"rapportage-{row.municipality}-{row.period}.pdf"
        return Response(
            bytes(row[2]),
            mimetype="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )
