// The operator dashboard: polls /dashboard/state every second and draws it. Plain JS, no library, no build step.
"use strict";

(() => {
  const PollMs = 1000;
  const HistoryPoints = 300; // 5 minutes at one point a second
  const history = [];

  const $ = (id) => document.getElementById(id);

  const number = (value, digits = 1) => {
    if (value === null || value === undefined || Number.isNaN(value)) return "–";
    if (Math.abs(value) >= 1e6) return (value / 1e6).toFixed(1) + "M";
    if (Math.abs(value) >= 1e4) return (value / 1e3).toFixed(1) + "k";
    return value.toFixed(Number.isInteger(value) ? 0 : digits);
  };
  const count = (value) => (value === null || value === undefined) ? "–" : Math.round(value).toLocaleString("en-US");
  const percent = (ratio) => (ratio === null || ratio === undefined) ? "–" : (ratio * 100).toFixed(1) + " %";
  const ms = (value) => {
    if (value === null || value === undefined) return "–";
    return value < 10 ? value.toFixed(2) + " ms" : value < 1000 ? value.toFixed(0) + " ms" : (value / 1000).toFixed(2) + " s";
  };
  const bytes = (value) => {
    if (value === null || value === undefined) return "–";
    const units = ["B", "KiB", "MiB", "GiB"];
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return value.toFixed(unit === 0 ? 0 : 1) + " " + units[unit];
  };
  const seconds = (value) => (value === null || value === undefined) ? "–" : value.toFixed(1) + " s ago";

  const setText = (id, text) => {
    const element = $(id);
    if (element.textContent !== text) element.textContent = text;
  };

  // Points of one series scaled into a viewBox of width x height, newest on the right. The x axis spans the
  // history there is (at least MinSpanPoints), so a freshly opened page draws lines, not a sliver at the edge.
  const MinSpanPoints = 30;
  const points = (values, width, height, max) => {
    const span = Math.max(values.length, MinSpanPoints);
    const step = width / (span - 1);
    const offset = span - values.length;
    return values
      .map((v, i) => v === null || v === undefined ? null : `${((offset + i) * step).toFixed(1)},${(height - (v / max) * (height - 2) - 1).toFixed(1)}`)
      .filter((p) => p !== null);
  };

  const svgElement = (name, attributes) => {
    const element = document.createElementNS("http://www.w3.org/2000/svg", name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    return element;
  };

  const sparkline = (id, values) => {
    const svg = $(id);
    const max = Math.max(1e-9, ...values.filter((v) => v !== null && v !== undefined));
    const line = points(values, 200, 40, max * 1.1);
    svg.replaceChildren();
    if (line.length < 2) return;
    const first = line[0].split(",")[0], last = line[line.length - 1].split(",")[0];
    svg.append(svgElement("polygon", { points: `${first},40 ${line.join(" ")} ${last},40` }));
    svg.append(svgElement("polyline", { points: line.join(" ") }));
  };

  const chart = (id, series) => {
    const svg = $(id);
    const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
    const max = Math.max(1e-9, ...all) * 1.15;
    svg.replaceChildren();
    for (const y of [40, 80, 120]) svg.append(svgElement("line", { x1: 0, x2: 600, y1: y, y2: y, class: "grid" }));
    for (const s of series) {
      const line = points(s.values, 600, 160, max);
      if (line.length >= 2) svg.append(svgElement("polyline", { points: line.join(" "), class: s.className }));
    }
    setText(id + "-max", `max ${number(max / 1.15)} · last ${history.length} s`);
  };

  const memberRow = (member) => {
    const row = document.createElement("tr");
    row.dataset.memberId = member.id;
    const cell = (text, className) => {
      const td = document.createElement("td");
      if (className) td.className = className;
      td.textContent = text;
      row.append(td);
      return td;
    };
    cell(member.id, "id");
    cell(member.endpoint, "endpoint");
    const status = cell("", "");
    const pill = document.createElement("span");
    // "ShuttingDown" reads "shutting down", class "shutting-down".
    const words = member.status.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
    pill.className = "pill " + words.replace(/ /g, "-");
    pill.textContent = words;
    if (member.error) pill.title = member.error;
    status.append(pill);
    cell(seconds(member.heartbeatAgeSeconds), "num");
    cell(count(member.activations), "num");
    cell(count(member.queueDepth), "num");
    cell(number(member.predictionsPerSecond), "num");
    cell(percent(member.hitRatio), "num");
    cell(number(member.batchesPerSecond), "num");
    cell(number(member.batchSizeMean), "num");
    cell(`${ms(member.inferenceP50Ms)} / ${ms(member.inferenceP95Ms)} / ${ms(member.inferenceP99Ms)}`, "num");
    cell(member.cpuCores === null ? "–" : (member.cpuCores * 100).toFixed(0) + " %", "num");
    cell(bytes(member.memoryBytes), "num");
    return row;
  };

  const render = (state) => {
    const t = state.totals;
    history.push(t);
    if (history.length > HistoryPoints) history.shift();

    setText("mode", state.mode);
    setText("model-id", state.modelId ?? "–");
    setText("window", String(state.windowSeconds));
    setText("updated", "updated " + new Date(state.at).toLocaleTimeString("en-GB"));
    $("connection").className = "dot ok";

    setText("requests-per-second", number(t.requestsPerSecond));
    setText("requests-total", count(t.requestsTotal));
    setText("errors-per-second", number(t.errorsPerSecond, 2));
    setText("client-errors-per-second", number(t.clientErrorsPerSecond, 2));
    setText("rejected-per-second", number(t.rejectedPerSecond, 2));
    setText("request-p50", ms(t.requestP50Ms));
    setText("request-p95", ms(t.requestP95Ms));
    setText("request-p99", ms(t.requestP99Ms));
    setText("predictions-per-second", number(t.predictionsPerSecond));
    setText("predictions-total", count(t.predictionsTotal));
    setText("hit-ratio", percent(t.hitRatio));
    setText("tier-memory", number(t.memoryPerSecond));
    setText("tier-storage", number(t.storagePerSecond));
    setText("tier-inference", number(t.inferencePerSecond));
    const tiers = (t.memoryPerSecond ?? 0) + (t.storagePerSecond ?? 0) + (t.inferencePerSecond ?? 0);
    for (const tier of ["memory", "storage", "inference"]) {
      $(`tier-${tier}-bar`).style.width = tiers > 0 ? ((t[tier + "PerSecond"] ?? 0) / tiers * 100).toFixed(1) + "%" : "0";
    }
    setText("inference-p50", ms(t.inferenceP50Ms));
    setText("inference-p95", ms(t.inferenceP95Ms));
    setText("inference-p99", ms(t.inferenceP99Ms));
    setText("queue-depth", count(t.queueDepth));
    setText("batch-size", number(t.batchSizeMean));
    setText("live-members", `${t.liveMembers} live`);
    setText("activations", count(t.activations));

    sparkline("spark-requests", history.map((h) => h.requestsPerSecond));
    sparkline("spark-errors", history.map((h) => h.errorsPerSecond));
    sparkline("spark-request-latency", history.map((h) => h.requestP99Ms));
    sparkline("spark-predictions", history.map((h) => h.predictionsPerSecond));
    sparkline("spark-inference-latency", history.map((h) => h.inferenceP99Ms));
    sparkline("spark-queue", history.map((h) => h.queueDepth));
    sparkline("spark-activations", history.map((h) => h.activations));
    chart("chart-throughput", [
      { values: history.map((h) => h.requestsPerSecond), className: "s1" },
      { values: history.map((h) => h.errorsPerSecond), className: "s3" },
    ]);
    chart("chart-latency", [
      { values: history.map((h) => h.requestP99Ms), className: "s1" },
      { values: history.map((h) => h.requestP50Ms), className: "s2" },
      { values: history.map((h) => h.inferenceP99Ms), className: "s4" },
    ]);

    $("members").tBodies[0].replaceChildren(...state.members.map(memberRow));
  };

  const poll = async () => {
    try {
      const response = await fetch("/dashboard/state", { cache: "no-store" });
      if (!response.ok) throw new Error(`state answered ${response.status}`);
      render(await response.json());
    } catch (error) {
      // The API restarting or unreachable: say so on the page, keep polling.
      $("connection").className = "dot down";
      setText("updated", "disconnected: " + error.message);
    } finally {
      setTimeout(poll, PollMs);
    }
  };

  poll();
})();
