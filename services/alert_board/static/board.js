// Live updates for the alert board: Server-Sent Events from /events, no libraries.
// Rows arrive as HTML the server has already escaped; everything else here uses textContent.
(() => {
  "use strict";
  const body = document.body;
  const page = body.dataset.page;
  const liveStatus = document.getElementById("live-status");
  let lastId = body.dataset.lastId;

  function setLive(state, text) {
    liveStatus.dataset.state = state;
    liveStatus.textContent = text;
  }

  function connect() {
    const source = new EventSource("/events?since=" + encodeURIComponent(lastId));
    source.onopen = () => setLive("live", "Live");
    source.onerror = () => setLive("offline", "Reconnecting…");
    source.addEventListener("alert", (e) => {
      lastId = e.lastEventId;
      const change = JSON.parse(e.data);
      if (page === "list") showInList(change);
      if (page === "alert") offerNewer(change);
    });
    source.addEventListener("case", (e) => {
      lastId = e.lastEventId;
      if (page === "alert") offerCase(JSON.parse(e.data));
    });
    source.addEventListener("ready", (e) => {
      lastId = e.lastEventId;
      document.getElementById("loading").hidden = true;
    });
    source.addEventListener("reload", () => window.location.reload());
  }

  // -- what this officer has seen ---------------------------------------------------------
  // Per browser, the version of each alert last looked at (localStorage): a row whose version
  // is newer is "new" until its page is opened or everything is marked seen; the page title
  // counts them, so a tab in the background says when something arrived.
  const SEEN_KEY = "analogue-watch-seen";
  const baseTitle = document.title;

  function seenVersions() {
    try {
      return JSON.parse(window.localStorage.getItem(SEEN_KEY) || "{}");
    } catch (error) {
      return {};
    }
  }

  function remember(seen) {
    try {
      window.localStorage.setItem(SEEN_KEY, JSON.stringify(seen));
    } catch (error) {
      // storage refused (private mode, quota): the list still works, nothing is remembered
    }
  }

  function markNew() {
    const seen = seenVersions();
    let fresh = 0;
    for (const row of allRows()) {
      const isNew = Number(row.dataset.version) > Number(seen[row.dataset.alertId] || 0);
      row.classList.toggle("unseen", isNew);
      if (isNew) fresh += 1;
    }
    document.title = (fresh ? "(" + fresh + " new) " : "") + baseTitle;
    const button = document.getElementById("mark-seen");
    if (button) button.hidden = fresh === 0;
  }

  function markAllSeen() {
    const seen = seenVersions();
    for (const row of allRows()) seen[row.dataset.alertId] = Number(row.dataset.version);
    remember(seen);
    markNew();
  }

  // -- the list ---------------------------------------------------------------------------
  const rows = document.getElementById("alert-rows");
  const statusFilter = document.getElementById("filter-status");
  const placeFilter = document.getElementById("filter-jurisdiction");
  const textFilter = document.getElementById("filter-text");

  function allRows() {
    return Array.from(rows.querySelectorAll("tr.alert-row"));
  }

  function showInList(change) {
    const template = document.createElement("template");
    template.innerHTML = change.row.trim();
    const row = template.content.firstElementChild;
    const old = allRows().find((r) => r.dataset.alertId === change.alert_id);
    if (old) old.remove();
    const next = allRows().find((r) => r.dataset.sort > row.dataset.sort);
    rows.insertBefore(row, next || null);
    row.classList.add("fresh");
    if (sortBy) sortRows();
    refreshList();
  }

  function refreshList() {
    // Retracted alerts (a late input showed there was none) are counted only when there are some.
    const counts = { open: 0, suppressed: 0, resolved: 0 };
    const places = new Set();
    for (const row of allRows()) {
      counts[row.dataset.status] = (counts[row.dataset.status] || 0) + 1;
      places.add(row.dataset.jurisdiction);
    }
    const countBox = document.getElementById("counts");
    countBox.replaceChildren(
      ...Object.entries(counts).map(([status, n]) => {
        const span = document.createElement("span");
        span.className = "count count-" + status;
        const strong = document.createElement("strong");
        strong.textContent = String(n);
        span.append(strong, " " + status);
        return span;
      }),
    );
    const known = new Set(Array.from(placeFilter.options).map((o) => o.value));
    for (const place of Array.from(places).sort()) {
      if (!known.has(place)) placeFilter.add(new Option(place, place));
    }
    applyFilters();
    markNew();
  }

  function applyFilters() {
    const status = statusFilter.value;
    const place = placeFilter.value;
    const text = textFilter.value.trim().toLocaleLowerCase();
    let shown = 0;
    const all = allRows();
    for (const row of all) {
      const visible = (!status || row.dataset.status === status) &&
        (!place || row.dataset.jurisdiction === place) &&
        (!text || row.dataset.search.includes(text));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    document.getElementById("empty-list").hidden = all.length > 0;
    document.getElementById("no-match").hidden = all.length === 0 || shown > 0;
  }

  // -- one alert --------------------------------------------------------------------------
  function offerNewer(change) {
    if (change.alert_id !== body.dataset.alertId) return;
    if (change.version <= Number(body.dataset.version)) return;
    const notice = document.getElementById("newer");
    const link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Show it";
    notice.replaceChildren(
      "Version " + change.version + " of this alert (" + change.status + ") has arrived. ",
      link,
    );
    notice.hidden = false;
  }

  function offerCase(change) {
    if (change.alert_id !== body.dataset.alertId || change.action_id === ownAction) return;
    const notice = document.getElementById("newer");
    const link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = "Show it";
    notice.replaceChildren("Someone acted on this alert. ", link);
    notice.hidden = false;
  }

  // -- acting on the alert ----------------------------------------------------------------
  // Each button posts its action as JSON with the header the board requires of its own page;
  // the browser signs the operator in (HTTP Basic) when the board asks. The case is then shown
  // again, with the action in it.
  let ownAction = "";

  function fieldValue(id) {
    const field = document.getElementById(id);
    return field ? field.value : "";
  }

  function act(action) {
    const status = document.getElementById("case-status");
    const request = { action: action };
    if (action === "assigned") request.assignee = fieldValue("case-assignee");
    if (action === "noted") request.text = fieldValue("case-note");
    if (action === "closed_not_relevant") request.text = fieldValue("case-reason");
    status.textContent = "Saving…";
    fetch(window.location.pathname + "/actions", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Analogue-Watch": "act" },
      body: JSON.stringify(request),
    }).then((response) => response.json().catch(() => ({})).then((answer) => {
      if (response.ok) {
        ownAction = answer.id;
        window.location.reload();
      } else {
        status.textContent = answer.error || "Refused (" + response.status + ").";
      }
    })).catch(() => {
      status.textContent = "Could not reach the board: nothing was recorded.";
    });
  }

  // Sorting by a column (its heading's button; again: the other way). "" is the board's own
  // order (open first, most severe, most recently seen), which live updates keep by data-sort.
  const SEVERITY_RANK = { critical: 3, high: 2, medium: 1, low: 0 };
  const SORT_VALUES = {
    severity: (row) => SEVERITY_RANK[row.dataset.severity] || 0,
    jurisdiction: (row) => row.dataset.jurisdiction,
    name: (row) => row.dataset.name,
    occurrences: (row) => Number(row.dataset.occurrences),
    seen: (row) => Number(row.dataset.seen),
  };
  let sortBy = "";

  function sortRows() {
    const descending = sortBy.startsWith("-");
    const value = SORT_VALUES[sortBy.replace(/^-/, "")];
    const ordered = allRows().sort((a, b) => {
      if (!value) return a.dataset.sort < b.dataset.sort ? -1 : 1;
      const [x, y] = [value(a), value(b)];
      const order = x < y ? -1 : x > y ? 1 : (a.dataset.sort < b.dataset.sort ? -1 : 1);
      return descending ? -order : order;
    });
    for (const row of ordered) rows.appendChild(row);
    for (const button of document.querySelectorAll("button.sorter")) {
      const key = button.dataset.sortBy;
      button.dataset.active = sortBy === key ? "up" : sortBy === "-" + key ? "down" : "";
    }
  }

  function sortOn(key) {
    sortBy = sortBy === key ? "-" + key : key;
    sortRows();
    filtersToAddress();
  }

  // The filters and the order live in the address (?status=&jurisdiction=&q=&sort=): a list can
  // be bookmarked or sent, and a reload keeps it.
  const filterParams = [["status", statusFilter], ["jurisdiction", placeFilter], ["q", textFilter]];

  function filtersFromAddress() {
    const params = new URLSearchParams(window.location.search);
    for (const [name, control] of filterParams) {
      const value = params.get(name) || "";
      if (control.tagName === "SELECT" && value &&
          !Array.from(control.options).some((o) => o.value === value)) {
        control.add(new Option(value, value));
      }
      control.value = value;
    }
    const asked = params.get("sort") || "";
    sortBy = SORT_VALUES[asked.replace(/^-/, "")] ? asked : "";
  }

  function filtersToAddress() {
    const params = new URLSearchParams();
    for (const [name, control] of filterParams) {
      const value = control.value.trim();
      if (value) params.set(name, value);
    }
    if (sortBy) params.set("sort", sortBy);
    const query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  if (page === "alert") {
    for (const button of document.querySelectorAll("#case-actions button[data-act]")) {
      button.addEventListener("click", () => act(button.dataset.act));
    }
    const seen = seenVersions();
    seen[body.dataset.alertId] = Math.max(
      Number(seen[body.dataset.alertId] || 0), Number(body.dataset.version));
    remember(seen);
  }

  if (page === "list") {
    document.getElementById("mark-seen").addEventListener("click", markAllSeen);
    for (const button of document.querySelectorAll("button.sorter")) {
      button.addEventListener("click", () => sortOn(button.dataset.sortBy));
    }
    filtersFromAddress();
    if (sortBy) sortRows();
    for (const control of [statusFilter, placeFilter, textFilter]) {
      control.addEventListener("input", () => {
        filtersToAddress();
        applyFilters();
      });
    }
    refreshList();
  }
  connect();
})();
