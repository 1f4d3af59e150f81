"""The alert board: a web page of the current alerts for operations staff, updated live.

Wiring only. A reader task follows ``aw.alerts``, ``aw.schedule.state``, ``aw.alert-actions``
and ``aw.dead-letters`` from the beginning with aiokafka (no consumer group, nothing committed:
the view is rebuilt at every start) and folds each event into
:class:`~services.alert_board.view.AlertBoardView` (the latest ``DEAD_LETTERS_KEPT`` dead letters
are kept for their page); each change is pushed to open pages through
:class:`~services.alert_board.live.LiveFeed` (Server-Sent Events). aiohttp serves the pages
rendered by :mod:`services.alert_board.pages` and ``/metrics`` on one port.

Operators named in the operators file (``AW_BOARD_OPERATORS``) act on an alert with
``POST /alerts/{id}/actions``, signed in with HTTP Basic: the board writes the action to
``aw.alert-actions`` with an aiokafka producer (:mod:`services.alert_board.acting` decides who
may). Without an operators file the board is read-only.

Run it with ``analogue-watch serve alert_board`` or ``python -m services.alert_board.app``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import json
import logging
import signal
import time
import uuid
from collections import deque
from functools import lru_cache, partial
from importlib import resources

from aiohttp import ClientError, ClientSession, ClientTimeout, web
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest, start_http_server

from contracts.actions import AlertActionTaken
from contracts.alerts import AlertEvent, AlertStatus
from contracts.codec import decode, encode
from contracts.dead_letter import DeadLettered
from contracts.errors import ContractError
from contracts.schedule import ScheduleSnapshot
from contracts.substances import Structure
from contracts.topics import ALERT_ACTIONS, ALERTS, DEAD_LETTERS, SCHEDULE_STATE, Topic
from services.alert_board import alertmanager
from services.alert_board.acting import (
    MAX_BODY_BYTES,
    Refusal,
    action_event,
    refuse_operator,
    refuse_request,
)
from services.alert_board.case_card import render_case
from services.alert_board.config import BoardSettings
from services.alert_board.dead_letter_page import query_filters, render_dead_letters
from services.alert_board.dossier import dossier_pdf
from services.alert_board.drafting_page import draft_for, render_draft
from services.alert_board.drawing import DrawnPair, draw_pair
from services.alert_board.export import alerts_csv
from services.alert_board.live import CLOSE, LiveFeed
from services.alert_board.metrics import BoardMetrics
from services.alert_board.pages import (
    Assets,
    in_board_order,
    render_alert,
    render_list,
    render_not_found,
    render_row,
)
from services.alert_board.view import AlertBoardView
from services.platform.logs import configure_logging
from services.platform.operators import authenticate, load_operators
from services.platform.security import aiokafka_args
from services.platform.topics import topic_name

log = logging.getLogger(__name__)

KEEP_ALIVE_S = 15.0
TOPIC_WAIT_S = 0.2
METADATA_MAX_AGE_MS = 10_000  # how soon a topic created after the start is read
DEAD_LETTERS_KEPT = 2000
"""Dead letters the board holds for its page, the latest; the topic keeps 30 days of them."""


def load_assets() -> Assets:
    static = resources.files("services.alert_board") / "static"
    return Assets(
        css=(static / "board.css").read_text(encoding="utf-8"),
        js=(static / "board.js").read_text(encoding="utf-8"),
    )


def content_security_policy(assets: Assets) -> str:
    """Only the board's own inline script may run: injected markup could not execute anything."""
    digest = base64.b64encode(hashlib.sha256(assets.js.encode()).digest()).decode()
    return (
        "default-src 'none'; "
        f"script-src 'sha256-{digest}'; "
        "style-src 'unsafe-inline'; "  # RDKit's SVG styles its paths inline
        "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'none'"
    )


@lru_cache(maxsize=256)
def _drawn(smiles: str, listed: Structure | None, core_smarts: str | None) -> DrawnPair:
    return draw_pair(smiles, listed, core_smarts)


class Board:
    """The view, the live feed and the reader, shared by the web handlers."""

    def __init__(self, settings: BoardSettings, metrics: BoardMetrics | None = None) -> None:
        self.settings = settings
        self.metrics = metrics or BoardMetrics()
        self.view = AlertBoardView()
        self.feed = LiveFeed(on_drop=self.metrics.dropped_clients.inc)
        self.ready = asyncio.Event()
        self.changed = asyncio.Event()
        """Set when an alert changes once caught up: forward to Alertmanager without waiting."""
        self._forwarded: set[str] = set()
        self.assets = load_assets()
        self.csp = content_security_policy(self.assets)
        self.levels = settings.levels
        self.dead_letters: deque[DeadLettered] = deque(maxlen=DEAD_LETTERS_KEPT)
        self._topics = {
            topic_name(t, settings.topic_namespace): t
            for t in (ALERTS, SCHEDULE_STATE, ALERT_ACTIONS, DEAD_LETTERS)
        }
        self.producer: AIOKafkaProducer | None = None
        """Writes the operators' actions; started by :func:`serve` when there are operators."""
        self._operators: tuple[float, dict[str, str]] | None = None

    # -- reading the topics ------------------------------------------------------------

    async def read(self) -> None:
        """Follow the topics from the beginning until cancelled.

        Without a consumer group, aiokafka assigns every partition of the subscribed topics (and
        of topics created later, at the next metadata refresh); nothing is committed.
        """
        consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
            client_id="analogue-watch-alert-board",
            group_id=None,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            metadata_max_age_ms=METADATA_MAX_AGE_MS,
            **aiokafka_args(self.settings),
        )
        await consumer.start()
        try:
            ends = await self._end_offsets(consumer)
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=500)
                for tp, records in batches.items():
                    topic = self._topics[tp.topic]
                    for record in records:
                        self.on_message(topic, record.value or b"")
                if not self.ready.is_set() and all(
                    [await consumer.position(tp) >= end for tp, end in ends.items()]
                ):
                    self._caught_up()
        finally:
            await consumer.stop()

    async def _end_offsets(self, consumer: AIOKafkaConsumer) -> dict[TopicPartition, int]:
        """Once every topic is assigned: where they end now (the board is ready there)."""
        waited = False
        while True:
            assigned = consumer.assignment()
            missing = sorted(set(self._topics) - {tp.topic for tp in assigned})
            if not missing:
                return await consumer.end_offsets(list(assigned))
            if not waited:
                log.warning(
                    "waiting for topics: run 'analogue-watch topics create'",
                    extra={"missing": missing},
                )
                waited = True
            await asyncio.sleep(TOPIC_WAIT_S)

    def on_message(self, topic: Topic, raw: bytes) -> None:
        """Fold one message into the view; push the change to open pages once caught up."""
        try:
            event = decode(raw, accept=topic.types)
        except ContractError as error:
            self.metrics.invalid.labels(error.error_class.value).inc()
            log.warning(
                "skipped an invalid message",
                extra={"topic": topic.name, "reason": error.reason[:300]},
            )
            return
        self.metrics.consumed.labels(event.type).inc()
        self.metrics.last_event.set_to_current_time()
        if isinstance(event, DeadLettered):
            self.dead_letters.append(event)
            return
        if isinstance(event, AlertActionTaken):
            self.on_action(event)
            return
        if isinstance(event, ScheduleSnapshot):
            self.view.apply_snapshot(event)
            self.metrics.schedules.set(self.view.jurisdictions_with_schedule)
            return
        alert: AlertEvent = event  # type: ignore[assignment]  # accept= admits only alert types
        if not self.view.apply_alert(alert):
            return
        for status, count in self.view.count_by_status().items():
            self.metrics.alerts.labels(status.value).set(count)
        if self.ready.is_set():
            self.push(alert)
            self.changed.set()

    def on_action(self, event: AlertActionTaken) -> None:
        """Fold an action into its alert's case; once caught up, show the change."""
        if not self.view.apply_action(event) or not self.ready.is_set():
            return
        alert_id = event.data.alert_id
        self.feed.publish("case", {"alert_id": alert_id, "action_id": event.id})
        alert = self.view.get(alert_id)
        if alert is not None:
            self.push(alert)

    def push(self, alert: AlertEvent) -> None:
        d = alert.data
        row = render_row(
            alert, self.levels, self.view.headline(d.alert_id), self.view.case(d.alert_id)
        )
        self.feed.publish(
            "alert",
            {"alert_id": d.alert_id, "version": d.version, "status": d.status.value, "row": row},
        )
        self.metrics.pushed.inc()

    def _caught_up(self) -> None:
        """Pages opened while the board was still reading reload once, to show everything."""
        self.ready.set()
        self.metrics.caught_up.set(1)
        self.feed.publish("reload", {})
        log.info("caught up", extra={"alerts": len(self.view.latest())})

    # -- Alertmanager --------------------------------------------------------------------

    async def forward(self) -> None:
        """Post the open alerts to Alertmanager every interval, and at once after a change,
        until cancelled (:mod:`services.alert_board.alertmanager`)."""
        url = self.settings.alertmanager_url.rstrip("/") + "/api/v2/alerts"
        interval = self.settings.alertmanager_interval_s
        await self.ready.wait()
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while True:
                self.changed.clear()
                await self._post(session, url, interval)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), interval)

    async def _post(self, session: ClientSession, url: str, interval: float) -> None:
        latest = self.view.latest()
        body, firing = alertmanager.payload(
            latest,
            forwarded=self._forwarded,
            opened_by=self.view.opened_by,
            headlines=self.view.headlines(),
            board_url=self.settings.board_url,
            now=dt.datetime.now(dt.UTC),
            interval_s=interval,
            levels=self.levels,
        )
        if not body:
            return
        try:
            async with session.post(url, json=body) as response:
                response.raise_for_status()
        except (ClientError, TimeoutError) as error:
            self.metrics.forwarded.labels("failed").inc()
            log.warning(
                "could not post the alerts to Alertmanager", extra={"url": url, "error": str(error)}
            )
            return
        self.metrics.forwarded.labels("ok").inc()
        self._forwarded = firing

    # -- web ---------------------------------------------------------------------------

    def web_app(self) -> web.Application:
        app = web.Application(middlewares=[self._headers_and_metrics])
        app.router.add_get("/", self.list_page, name="list")
        app.router.add_get("/alerts.csv", self.alerts_csv, name="alerts-csv")
        app.router.add_get("/dossiers/{alert_id:.+}", self.dossier, name="dossier")
        app.router.add_post("/alerts/{alert_id:.+}/actions", self.act, name="act")
        app.router.add_get("/alerts/{alert_id:.+}", self.alert_page, name="alert")
        app.router.add_get("/draft/{alert_id:.+}", self.draft_page, name="draft")
        app.router.add_get("/dead-letters", self.dead_letter_page, name="dead-letters")
        app.router.add_get("/events", self.events, name="events")
        app.router.add_get("/metrics", self.metrics_page, name="metrics")
        app.router.add_get("/healthz", self.health, name="health")
        app.on_shutdown.append(self._close_feeds)
        return app

    @web.middleware
    async def _headers_and_metrics(self, request: web.Request, handler) -> web.StreamResponse:
        route = request.match_info.route.name or "unknown"
        try:
            response = await handler(request)
        except web.HTTPNotFound:
            response = self._not_found("Nothing is at this address. The alerts are on the list.")
        except web.HTTPException as error:
            self.metrics.requests.labels(route, str(error.status)).inc()
            raise
        self.metrics.requests.labels(route, str(response.status)).inc()
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _not_found(self, what: str) -> web.Response:
        text = render_not_found(
            what, last_id=self.feed.last_id, ready=self.ready.is_set(), assets=self.assets
        )
        return web.Response(status=404, text=text, content_type="text/html")

    async def list_page(self, request: web.Request) -> web.Response:
        with self.metrics.render.labels("list").time():
            text = render_list(
                self.view.latest(),
                last_id=self.feed.last_id,
                ready=self.ready.is_set(),
                assets=self.assets,
                levels=self.levels,
                headlines=self.view.headlines(),
                cases=self.view.cases(),
            )
        return web.Response(text=text, content_type="text/html")

    async def alerts_csv(self, request: web.Request) -> web.Response:
        """Every alert's latest version as CSV, in the list's order."""
        return web.Response(
            text=alerts_csv(in_board_order(self.view.latest(), self.levels), self.levels),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": 'attachment; filename="analogue-watch-alerts.csv"'},
        )

    async def dossier(self, request: web.Request) -> web.Response:
        """The alert's dossier as PDF (:mod:`services.alert_board.dossier`)."""
        alert_id = request.match_info["alert_id"]
        alert = self.view.get(alert_id)
        if alert is None:
            return self._not_found(f"No alert {alert_id!r}: no dossier for it.")
        evidence = self.view.last_open(alert_id)
        shown = evidence if alert.data.status != AlertStatus.OPEN and evidence else alert
        nearest = shown.data.nearest_listed[0] if shown.data.nearest_listed else None
        listed = (
            self.view.listed_structure(alert.data.jurisdiction, nearest.name) if nearest else None
        )
        with self.metrics.render.labels("dossier").time():
            pdf = await asyncio.get_running_loop().run_in_executor(
                None,
                partial(
                    dossier_pdf,
                    alert,
                    self.view.history(alert_id),
                    evidence=evidence,
                    headline=self.view.headline(alert_id),
                    listed=listed,
                    generated_at=dt.datetime.now(dt.UTC),
                ),
            )
        filename = "".join(c if c.isalnum() or c in "-_" else "_" for c in alert_id)
        return web.Response(
            body=pdf,
            content_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="dossier-{filename}.pdf"'},
        )

    async def alert_page(self, request: web.Request) -> web.Response:
        alert = self.view.get(request.match_info["alert_id"])
        if alert is None:
            return self._not_found(
                f"No alert {request.match_info['alert_id']!r} (yet): if the board is still "
                "reading the topic, it may come; otherwise check the id."
            )
        started = time.perf_counter()
        d = alert.data
        evidence = self.view.last_open(d.alert_id)
        # A suppressed or resolved alert is drawn beside what it was an alert for.
        shown = evidence.data if d.status != AlertStatus.OPEN and evidence is not None else d
        nearest = shown.nearest_listed[0] if shown.nearest_listed else None
        listed = self.view.listed_structure(d.jurisdiction, nearest.name) if nearest else None
        drawn = await asyncio.get_running_loop().run_in_executor(
            None,
            _drawn,
            d.canonical_smiles,
            listed.structure if listed else None,
            nearest.shared_core_smarts if nearest else None,
        )
        text = render_alert(
            alert,
            self.view.history(d.alert_id),
            listed,
            drawn,
            last_id=self.feed.last_id,
            ready=self.ready.is_set(),
            assets=self.assets,
            evidence=evidence,
            headline=self.view.headline(d.alert_id),
            opened_by=self.view.opened_by(d.alert_id),
            case_card=render_case(
                self.view.case(d.alert_id), d.jurisdiction, read_only=self.read_only()
            ),
        )
        self.metrics.render.labels("alert").observe(time.perf_counter() - started)
        return web.Response(text=text, content_type="text/html")

    async def draft_page(self, request: web.Request) -> web.Response:
        """A group definition for the alert's family (:mod:`.drafting_page`)."""
        alert = self.view.get(request.match_info["alert_id"])
        if alert is None:
            return self._not_found(f"No alert {request.match_info['alert_id']!r} (yet).")
        started = time.perf_counter()
        today = dt.datetime.now(dt.UTC).date()
        draft = await asyncio.get_running_loop().run_in_executor(
            None, draft_for, alert, self.view, today
        )
        text = render_draft(
            alert, draft, last_id=self.feed.last_id, ready=self.ready.is_set(), assets=self.assets
        )
        self.metrics.render.labels("draft").observe(time.perf_counter() - started)
        return web.Response(text=text, content_type="text/html")

    # -- acting ---------------------------------------------------------------------------

    def operators(self) -> dict[str, str] | None:
        """The operators file as it is now (read again when it changes); None: no file set."""
        path = self.settings.operators_path
        if path is None:
            return None
        stamp = path.stat().st_mtime if path.exists() else -1.0
        if self._operators is None or self._operators[0] != stamp:
            self._operators = (stamp, load_operators(path))
        return self._operators[1]

    def read_only(self) -> str | None:
        """Why nobody may act here, or None."""
        refusal = refuse_operator(self.operators(), "")
        return refusal.message if refusal else None

    async def act(self, request: web.Request) -> web.Response:
        """``POST /alerts/{id}/actions``: an authenticated operator's action, written to
        ``aw.alert-actions`` and folded into the case at once."""
        refusal = refuse_request(request.headers, request.url.origin().human_repr())
        operators = self.operators()
        operator = None
        if refusal is None and operators:
            loop = asyncio.get_running_loop()  # scrypt takes tens of milliseconds: off the loop
            header = request.headers.get("Authorization")
            operator = await loop.run_in_executor(None, authenticate, operators, header)
        refusal = refusal or refuse_operator(operators, operator)
        if refusal is not None:
            return _refused(refusal)
        assert operator is not None
        alert = self.view.get(request.match_info["alert_id"])
        if alert is None:
            return _refused(Refusal(404, "No such alert (yet): nothing to act on."))
        body = await request.content.read(MAX_BODY_BYTES + 1)
        if len(body) > MAX_BODY_BYTES:
            return _refused(Refusal(413, f"The action is over {MAX_BODY_BYTES} bytes."))
        event = action_event(
            alert,
            body,
            operator=operator,
            now=dt.datetime.now(dt.UTC),
            event_id=f"act-{uuid.uuid4().hex}",
        )
        if isinstance(event, Refusal):
            return _refused(event)
        if self.producer is None:
            return _refused(Refusal(503, "The board cannot write actions: it has no producer."))
        await self.producer.send_and_wait(
            topic_name(ALERT_ACTIONS, self.settings.topic_namespace),
            key=ALERT_ACTIONS.key_of(event).encode(),
            value=encode(event),
        )
        log.info("action written", extra={"action": event.data.action.value, "id": event.id})
        self.on_action(event)
        return web.json_response({"id": event.id, "operator": operator}, status=201)

    async def dead_letter_page(self, request: web.Request) -> web.Response:
        with self.metrics.render.labels("dead-letters").time():
            text = render_dead_letters(
                list(self.dead_letters),
                query_filters({name: request.query.getall(name) for name in request.query}),
                kept=DEAD_LETTERS_KEPT,
                last_id=self.feed.last_id,
                ready=self.ready.is_set(),
                assets=self.assets,
            )
        return web.Response(text=text, content_type="text/html")

    async def events(self, request: web.Request) -> web.StreamResponse:
        """Server-Sent Events: what the page missed since its id, then every change as it comes."""
        since = request.headers.get("Last-Event-ID") or request.query.get("since", "")
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        queue = self.feed.listen()  # before reading the backlog: nothing falls in between
        self.metrics.live_clients.set(self.feed.listeners)
        try:
            await response.prepare(request)
            await response.write(b"retry: 3000\n\n")
            missed = self.feed.missed_since(since)
            if missed is None:
                await response.write(b"event: reload\ndata: {}\n\n")
                return response
            sent = 0
            for old in missed:
                await response.write(old.encode())
                sent = old.seq
            while True:
                try:
                    message = await asyncio.wait_for(queue.get(), KEEP_ALIVE_S)
                except TimeoutError:
                    await response.write(b": keep-alive\n\n")
                    continue
                if message is CLOSE:
                    break
                if message.seq > sent:
                    await response.write(message.encode())
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.feed.leave(queue)
            self.metrics.live_clients.set(self.feed.listeners)
        return response

    async def metrics_page(self, request: web.Request) -> web.Response:
        return web.Response(
            body=generate_latest(self.metrics.registry),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )

    async def health(self, request: web.Request) -> web.Response:
        counts = {s.value: n for s, n in self.view.count_by_status().items()}
        body = {
            "ready": self.ready.is_set(),
            "alerts": counts,
            "schedules": self.view.jurisdictions_with_schedule,
            "time": dt.datetime.now(dt.UTC).isoformat(),
        }
        return web.Response(text=json.dumps(body), content_type="application/json")

    async def _close_feeds(self, app: web.Application) -> None:
        self.feed.close_all()


def _refused(refusal: Refusal) -> web.Response:
    return web.json_response(
        {"error": refusal.message}, status=refusal.status, headers=refusal.headers
    )


async def _start_producer(settings: BoardSettings) -> AIOKafkaProducer | None:
    """The producer of the operators' actions, or None on a read-only board."""
    if settings.operators_path is None:
        return None
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        client_id="analogue-watch-alert-board",
        acks="all",
        enable_idempotence=True,
        **aiokafka_args(settings),
    )
    await producer.start()
    return producer


async def serve(settings: BoardSettings) -> None:
    """Read the topics and serve the board until cancelled."""
    metrics = BoardMetrics()
    if settings.metrics_port:
        start_http_server(
            settings.metrics_port, addr=settings.metrics_host, registry=metrics.registry
        )
    board = Board(settings, metrics)
    board.producer = await _start_producer(settings)
    runner = web.AppRunner(board.web_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.host, settings.port)
    await site.start()
    log.info("alert board listening", extra={"host": settings.host, "port": settings.port})
    reader = asyncio.current_task()
    assert reader is not None
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, reader.cancel)
    forwarding = asyncio.create_task(board.forward()) if settings.alertmanager_url else None
    try:
        await board.read()
    except asyncio.CancelledError:
        log.info("alert board stopping")
    finally:
        if forwarding is not None:
            forwarding.cancel()
        loop.remove_signal_handler(signal.SIGTERM)
        await runner.cleanup()
        if board.producer is not None:
            await board.producer.stop()


def main(settings: BoardSettings | None = None) -> None:
    """Run the board in the foreground until interrupted (Ctrl-C or SIGTERM)."""
    settings = settings or BoardSettings.from_env()
    configure_logging(settings.log_level)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
