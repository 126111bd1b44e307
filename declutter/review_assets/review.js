// declutter review page: re-decide by threshold, correct segments, export training data.
// User text is only ever inserted as text (createTextNode / textContent / title), never
// as markup. The export rule is the twin of declutter.review.training_record (Python).
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("declutter-data").textContent);
  var PAGE_SIZE = 20;
  var BINS = 40;
  var CONTENT = "content";
  var INSERT = "insert";
  var UNNAMED = "other";
  var DEFAULT_SEPARATOR = "\n\n";
  // The line breaks of Python's str.splitlines: a gap holding one breaks the line.
  var LINE_BREAK = /[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
  var KINDS = Object.keys(DATA.kinds);
  var SVG = "http://www.w3.org/2000/svg";

  // Segments arrive as [start, end, score, kind, removed]; corrections live beside them.
  // Offsets are Python's (code points); JavaScript strings count UTF-16 units, so a
  // document with characters beyond U+FFFF (emoji) gets its spans converted once.
  var docs = DATA.docs.map(function (doc, n) {
    return { data: doc, n: n, spans: utf16Spans(doc.text, doc.segments),
             origins: doc.segments.map(function (seg, i) { return i; }),
             original: null, corrections: new Map(), checked: false };
  });
  var state = { threshold: DATA.threshold, page: 0, selected: null };

  function utf16Spans(text, segments) {
    if (!/[\uD800-\uDFFF]/.test(text)) {
      return segments.map(function (seg) { return [seg[0], seg[1]]; });
    }
    var unit = 0;
    var point = 0;
    function unitAt(target) {  // offsets come in order, so one walk serves them all
      while (point < target && unit < text.length) {
        var c = text.charCodeAt(unit);
        var pair = c >= 0xD800 && c <= 0xDBFF && unit + 1 < text.length &&
          text.charCodeAt(unit + 1) >= 0xDC00 && text.charCodeAt(unit + 1) <= 0xDFFF;
        unit += pair ? 2 : 1;
        point += 1;
      }
      return unit;
    }
    return segments.map(function (seg) { return [unitAt(seg[0]), unitAt(seg[1])]; });
  }

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fmt(x) { return Number(x).toFixed(3); }

  // ------------------------------------------------------------------ decisions

  // What the threshold rule alone says about a segment.
  function ruled(seg) {
    if (seg[2] >= state.threshold) {
      return { removed: true, kind: seg[3] !== CONTENT ? seg[3] : UNNAMED, named: seg[3] !== CONTENT };
    }
    return { removed: false, kind: CONTENT, named: true };
  }

  // The segment's decision: the person's correction if any, else the rule.
  function decision(doc, i) {
    var fix = doc.corrections.get(i);
    if (fix) return { removed: fix.removed, kind: fix.kind, named: true, corrected: true };
    var d = ruled(doc.data.segments[i]);
    d.corrected = false;
    return d;
  }

  function isReviewed(doc) { return doc.checked || doc.corrections.size > 0 || doc.original !== null; }

  // Store a correction, or drop it when it says what the rule says anyway.
  function correct(doc, i, removed, kind) {
    var rule = ruled(doc.data.segments[i]);
    var sameKind = !removed || (rule.named && rule.kind === kind);
    if (rule.removed === removed && sameKind) doc.corrections.delete(i);
    else doc.corrections.set(i, { removed: removed, kind: removed ? kind : CONTENT });
  }

  // ------------------------------------------------------------------ summary

  function totals() {
    var t = { docs: docs.length, reviewed: 0, kept: 0, removedChars: 0, segments: 0,
              removed: 0, corrected: 0, perKind: {} };
    docs.forEach(function (doc) {
      if (isReviewed(doc)) t.reviewed += 1;
      t.corrected += doc.corrections.size;
      doc.data.segments.forEach(function (seg, i) {
        var d = decision(doc, i);
        var length = seg[1] - seg[0];
        t.segments += 1;
        if (d.removed) {
          t.removed += 1;
          t.removedChars += length;
          t.perKind[d.kind] = (t.perKind[d.kind] || 0) + 1;
        } else {
          t.kept += length;
        }
      });
    });
    return t;
  }

  function stat(label, value, id) {
    var box = el("div", "stat");
    var number = el("span", "stat-value", value);
    if (id) number.id = id;
    box.appendChild(number);
    box.appendChild(el("span", "stat-label", label));
    return box;
  }

  function renderSummary() {
    var t = totals();
    var chars = t.kept + t.removedChars;
    var share = chars ? (100 * t.removedChars / chars).toFixed(1) + "%" : "0%";
    var stats = $("stats");
    stats.replaceChildren(
      stat("documents", t.docs.toLocaleString("en"), "stat-docs"),
      stat("reviewed", t.reviewed.toLocaleString("en"), "stat-reviewed"),
      stat("characters kept", t.kept.toLocaleString("en"), "stat-kept-chars"),
      stat("characters removed (" + share + ")", t.removedChars.toLocaleString("en"),
           "stat-removed-chars"),
      stat("removed segments of " + t.segments.toLocaleString("en"),
           t.removed.toLocaleString("en"), "stat-removed"),
      stat("corrections", t.corrected.toLocaleString("en"), "stat-corrected")
    );
    KINDS.forEach(function (kind) {
      var count = $("kind-count-" + kind);
      if (count) count.textContent = (t.perKind[kind] || 0).toLocaleString("en");
    });
    document.body.dataset.removed = String(t.removed);
    updateHistogram();
  }

  function renderLegend() {
    var list = $("legend");
    KINDS.forEach(function (kind) {
      var item = el("li", "legend-item");
      item.title = DATA.kinds[kind];
      var swatch = el("span", "swatch seg removed");
      swatch.dataset.kind = kind;
      item.appendChild(swatch);
      item.appendChild(el("span", "legend-kind", kind));
      var count = el("span", "legend-count", "0");
      count.id = "kind-count-" + kind;
      item.appendChild(count);
      list.appendChild(item);
    });
  }

  // ------------------------------------------------------------------ histogram

  var histogram = { bars: [], line: null, width: 400, height: 90, top: 6 };

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function buildHistogram() {
    var counts = new Array(BINS).fill(0);
    docs.forEach(function (doc) {
      doc.data.segments.forEach(function (seg) {
        counts[Math.min(BINS - 1, Math.floor(seg[2] * BINS))] += 1;
      });
    });
    var h = histogram;
    var plot = h.height - h.top;
    var most = Math.log1p(Math.max.apply(null, counts.concat([1])));
    var box = svg("svg", { viewBox: "0 0 " + h.width + " " + (h.height + 16), role: "img",
                          "aria-label": "histogram of segment scores", class: "hist" });
    var step = h.width / BINS;
    counts.forEach(function (count, b) {
      var height = count ? Math.max(1.5, plot * Math.log1p(count) / most) : 0;
      var bar = svg("rect", { x: (b * step + 0.5).toFixed(2), width: (step - 1).toFixed(2),
                             y: (h.height - height).toFixed(2), height: height.toFixed(2) });
      var title = svg("title", {});
      title.textContent = count + " segments scoring " + (b / BINS).toFixed(3) + "-" +
        ((b + 1) / BINS).toFixed(3);
      bar.appendChild(title);
      bar.dataset.low = String(b / BINS);
      bar.dataset.high = String((b + 1) / BINS);
      h.bars.push(bar);
      box.appendChild(bar);
    });
    box.appendChild(svg("line", { x1: 0, x2: h.width, y1: h.height, y2: h.height, class: "axis" }));
    [0, 0.25, 0.5, 0.75, 1].forEach(function (x) {
      var label = svg("text", { x: x * h.width, y: h.height + 13, class: "tick",
                               "text-anchor": x === 0 ? "start" : x === 1 ? "end" : "middle" });
      label.textContent = String(x);
      box.appendChild(label);
    });
    h.line = svg("line", { y1: 0, y2: h.height, class: "threshold-line" });
    h.label = svg("text", { y: 9, class: "threshold-label" });
    box.appendChild(h.line);
    box.appendChild(h.label);
    $("histogram").appendChild(box);
  }

  function updateHistogram() {
    var h = histogram;
    var x = state.threshold * h.width;
    h.line.setAttribute("x1", x);
    h.line.setAttribute("x2", x);
    h.label.setAttribute("x", x + (state.threshold > 0.8 ? -4 : 4));
    h.label.setAttribute("text-anchor", state.threshold > 0.8 ? "end" : "start");
    h.label.textContent = "threshold " + fmt(state.threshold);
    h.bars.forEach(function (bar) {
      var low = Number(bar.dataset.low);
      var high = Number(bar.dataset.high);
      var cls = low >= state.threshold ? "bar removed" : high <= state.threshold ? "bar kept" : "bar mixed";
      bar.setAttribute("class", cls);
    });
  }

  // ------------------------------------------------------------------ documents

  function paintSegment(span, doc, i) {
    var seg = doc.data.segments[i];
    var d = decision(doc, i);
    span.className = "seg " + (d.removed ? "removed" : "kept") + (d.corrected ? " corrected" : "") +
      (state.selected && state.selected.doc === doc && state.selected.index === i ? " selected" : "");
    span.dataset.kind = d.removed ? d.kind : CONTENT;
    var parts = [
      (d.removed ? "removed: " + d.kind + (d.named ? "" : " (not named by the model)") : "kept: content"),
      "score " + fmt(seg[2]) + (seg[2] >= state.threshold ? " \u2265 " : " < ") +
        "threshold " + fmt(state.threshold),
      "offsets " + seg[0] + "-" + seg[1]
    ];
    if (d.corrected) parts.push("corrected by you");
    if (isCut(doc, i)) parts.push("cut by you from a longer segment (its score)");
    if ((seg[4] === 1) !== (seg[2] >= doc.data.threshold)) {
      parts.push("declutter.clean " + (seg[4] ? "removed" : "kept") + " this at " +
                 fmt(doc.data.threshold) + " (a line is kept whole when one of its pieces reads as content)");
    }
    span.title = parts.join("\n");
    span.setAttribute("aria-pressed", d.removed ? "true" : "false");
  }

  function renderDoc(doc) {
    var article = el("article", "doc");
    article.dataset.doc = String(doc.n);
    var head = el("header", "doc-head");
    head.appendChild(el("h2", "doc-title", doc.data.title));
    var meta = el("span", "doc-meta", "#" + (doc.n + 1) + " \u00b7 id " + doc.data.id +
                  " \u00b7 source " + doc.data.site + " \u00b7 " + doc.data.segments.length + " segments");
    head.appendChild(meta);
    var tick = el("label", "doc-check");
    var box = el("input");
    box.type = "checkbox";
    box.checked = doc.checked;
    box.addEventListener("change", function () { doc.checked = box.checked; renderSummary(); });
    tick.appendChild(box);
    tick.appendChild(document.createTextNode(" checked (export even without corrections)"));
    head.appendChild(tick);
    article.appendChild(head);

    var body = el("div", "doc-text");
    if (doc.data.lang) body.lang = doc.data.lang;
    var text = doc.data.text;
    var at = 0;
    doc.spans.forEach(function (seg, i) {
      if (seg[0] > at) body.appendChild(document.createTextNode(text.slice(at, seg[0])));
      var span = el("span", "seg", text.slice(seg[0], seg[1]));
      span.dataset.index = String(i);
      span.tabIndex = 0;
      span.setAttribute("role", "button");
      paintSegment(span, doc, i);
      body.appendChild(span);
      at = seg[1];
    });
    if (at < text.length) body.appendChild(document.createTextNode(text.slice(at)));
    if (!doc.data.segments.length) body.appendChild(el("em", "empty", "(no text)"));
    article.appendChild(body);
    return article;
  }

  function pageCount() { return Math.max(1, Math.ceil(docs.length / PAGE_SIZE)); }

  function renderPage() {
    closeEditor();
    var first = state.page * PAGE_SIZE;
    var main = $("docs");
    var fragment = document.createDocumentFragment();
    docs.slice(first, first + PAGE_SIZE).forEach(function (doc) { fragment.appendChild(renderDoc(doc)); });
    main.replaceChildren(fragment);
    renderPagers();
  }

  function repaintVisible() {
    document.querySelectorAll("#docs article.doc").forEach(function (article) {
      var doc = docs[Number(article.dataset.doc)];
      article.querySelectorAll(".seg").forEach(function (span) {
        paintSegment(span, doc, Number(span.dataset.index));
      });
    });
  }

  function renderPagers() {
    var pages = pageCount();
    document.querySelectorAll("nav.pager").forEach(function (nav) {
      var prev = el("button", "pager-prev", "\u2039 previous");
      prev.type = "button";
      prev.disabled = state.page === 0;
      prev.addEventListener("click", function () { goTo(state.page - 1); });
      var next = el("button", "pager-next", "next \u203a");
      next.type = "button";
      next.disabled = state.page >= pages - 1;
      next.addEventListener("click", function () { goTo(state.page + 1); });
      var jump = el("input", "pager-jump");
      jump.type = "number";
      jump.min = "1";
      jump.max = String(pages);
      jump.value = String(state.page + 1);
      jump.setAttribute("aria-label", "page number");
      jump.addEventListener("change", function () { goTo(Number(jump.value) - 1); });
      var first = state.page * PAGE_SIZE + 1;
      var last = Math.min(docs.length, first + PAGE_SIZE - 1);
      var where = el("span", "pager-where", docs.length ?
        " of " + pages + " (documents " + first + "-" + last + ")" : " of 1 (no documents)");
      nav.replaceChildren(prev, el("span", "pager-label", " page "), jump, where, next);
    });
  }

  function goTo(page) {
    if (!(page >= 0 && page < pageCount()) || page === state.page) return;
    state.page = page;
    renderPage();
    $("docs").scrollIntoView();
  }

  // ------------------------------------------------------------------ correcting

  function segmentAt(target) {
    var span = target.closest ? target.closest(".seg[data-index]") : null;
    if (!span) return null;
    var article = span.closest("article.doc");
    return { span: span, doc: docs[Number(article.dataset.doc)], index: Number(span.dataset.index) };
  }

  function flip(hit) {
    var d = decision(hit.doc, hit.index);
    var seg = hit.doc.data.segments[hit.index];
    var kind = seg[3] !== CONTENT ? seg[3] : UNNAMED;
    correct(hit.doc, hit.index, !d.removed, d.removed ? CONTENT : kind);
  }

  function onSegmentActivated(hit) {
    flip(hit);
    select(hit);
    renderSummary();
  }

  function select(hit) {
    var previous = state.selected;
    state.selected = { doc: hit.doc, index: hit.index, span: hit.span, cut: hit.cut || null };
    if (previous && previous.span && previous.span.isConnected) {
      paintSegment(previous.span, previous.doc, previous.index);
    }
    paintSegment(hit.span, hit.doc, hit.index);
    openEditor();
  }

  function openEditor() {
    var s = state.selected;
    var d = decision(s.doc, s.index);
    var seg = s.doc.data.segments[s.index];
    $("editor-head").textContent = (d.removed ? "insert" : "content") + " \u00b7 score " + fmt(seg[2]) +
      (d.corrected ? " \u00b7 corrected" : " \u00b7 by the rule");
    $("editor-flip").textContent = d.removed ? "mark as content" : "mark as insert";
    var select = $("editor-kind");
    select.disabled = !d.removed;
    select.value = d.removed ? d.kind : UNNAMED;
    $("editor-reset").disabled = !d.corrected;
    $("editor-merge-row").hidden = !isCut(s.doc, s.index);
    showCut(s.cut || null, d);
    placeEditor($("editor"), s.span);
  }

  // Beside the text column when the window leaves room (so no text is hidden), else
  // just below the segment.
  function placeEditor(editor, span) {
    editor.hidden = false;
    var rects = span.getClientRects();
    var first = rects.length ? rects[0] : span.getBoundingClientRect();
    var last = rects.length ? rects[rects.length - 1] : first;
    var column = span.closest(".doc-text").getBoundingClientRect();
    var room = document.documentElement.clientWidth - column.right - 16;
    var left, top;
    if (room >= editor.offsetWidth) {
      var card = span.closest("article.doc").getBoundingClientRect();
      left = Math.max(column.right + 8, Math.min(column.right + 12, card.right - editor.offsetWidth - 10));
      top = first.top;
    } else {
      left = Math.min(last.left, document.documentElement.clientWidth - editor.offsetWidth - 8);
      top = last.bottom + 6;
    }
    editor.style.left = Math.max(8, left + window.scrollX) + "px";
    editor.style.top = (top + window.scrollY) + "px";
  }

  function closeEditor() {
    var s = state.selected;
    $("editor-cut-row").hidden = true;
    state.selected = null;
    $("editor").hidden = true;
    if (s && s.span && s.span.isConnected) paintSegment(s.span, s.doc, s.index);
  }

  function afterEdit() {
    var s = state.selected;
    paintSegment(s.span, s.doc, s.index);
    openEditor();
    renderSummary();
  }

  function bindEditing() {
    var main = $("docs");
    main.addEventListener("click", function (event) {
      var hit = segmentAt(event.target);
      if (hit && !String(window.getSelection ? window.getSelection() : "").length) onSegmentActivated(hit);
    });
    main.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      var hit = segmentAt(event.target);
      if (!hit) return;
      event.preventDefault();
      onSegmentActivated(hit);
    });
    var select = $("editor-kind");
    KINDS.forEach(function (kind) {
      var option = el("option", "", kind);
      option.value = kind;
      option.title = DATA.kinds[kind];
      select.appendChild(option);
    });
    select.addEventListener("change", function () {
      var s = state.selected;
      correct(s.doc, s.index, true, select.value);
      afterEdit();
    });
    $("editor-flip").addEventListener("click", function () { flip(state.selected); afterEdit(); });
    $("editor-reset").addEventListener("click", function () {
      state.selected.doc.corrections.delete(state.selected.index);
      afterEdit();
    });
    $("editor-close").addEventListener("click", closeEditor);
    $("editor-cut").addEventListener("click", function () {
      var s = state.selected;
      if (s && s.cut) cutOut(s.doc, s.index, s.cut[0], s.cut[1]);
    });
    $("editor-merge").addEventListener("click", function () {
      var s = state.selected;
      if (s) mergeBack(s.doc, s.index);
    });
    main.addEventListener("mouseup", onSelectionMade);
    main.addEventListener("keyup", function (event) { if (event.shiftKey) onSelectionMade(); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeEditor();
    });
  }

  // ------------------------------------------------------------------ cutting a segment

  // A piece of a segment can be an insert of its own ("By AcmeData" glued to a paragraph
  // the model kept whole). Selecting text inside one segment offers to cut it out: the
  // segment becomes up to three segments (before, selection, after), each keeping the
  // segment's score, with the selection flipped. Offsets stay Python's code points.

  function isCut(doc, i) {
    var origin = doc.origins[i];
    return (i > 0 && doc.origins[i - 1] === origin) ||
      (i + 1 < doc.origins.length && doc.origins[i + 1] === origin);
  }

  function codePoints(text) { return Array.from(text).length; }

  // The selection as UTF-16 offsets into the document's text, if it lies inside one segment.
  function selectedInSegment() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount !== 1) return null;
    var range = selection.getRangeAt(0);
    var start = inSegment(range.startContainer, range.startOffset);
    var end = inSegment(range.endContainer, range.endOffset);
    if (!start || !end || start.span !== end.span) return null;
    var span = start.span;
    var article = span.closest("article.doc");
    var doc = docs[Number(article.dataset.doc)];
    var index = Number(span.dataset.index);
    var base = doc.spans[index][0];
    var text = doc.data.text;
    var a = base + start.offset;
    var b = base + end.offset;
    while (a < b && /\s/.test(text[a])) a += 1;
    while (b > a && /\s/.test(text[b - 1])) b -= 1;
    if (a >= b) return null;
    return { doc: doc, index: index, span: span, cut: [a, b] };
  }

  // A selection boundary as (segment span, UTF-16 offset in its text), or null outside one.
  function inSegment(node, offset) {
    var span = node.nodeType === Node.TEXT_NODE ? node.parentNode : node;
    if (!span || !span.matches || !span.matches("#docs .seg[data-index]")) return null;
    if (node.nodeType !== Node.TEXT_NODE) offset = offset === 0 ? 0 : span.textContent.length;
    return { span: span, offset: offset };
  }

  function onSelectionMade() {
    var hit = selectedInSegment();
    if (!hit) return;
    var seg = hit.doc.spans[hit.index];
    if (hit.cut[0] === seg[0] && hit.cut[1] === seg[1]) return;  // the whole segment: click it
    select(hit);
  }

  function showCut(cut, d) {
    $("editor-cut-row").hidden = !cut;
    if (cut) {
      $("editor-cut").textContent = "cut out the selection as " + (d.removed ? "content" : "insert");
    }
  }

  function cutOut(doc, index, a, b) {
    var text = doc.data.text;
    var span = doc.spans[index];
    var seg = doc.data.segments[index];
    var d = decision(doc, index);
    var parts = [];
    var left = span[0];
    var right = a;
    while (right > left && /\s/.test(text[right - 1])) right -= 1;
    if (right > left) parts.push([left, right, false]);
    parts.push([a, b, true]);
    left = b;
    while (left < span[1] && /\s/.test(text[left])) left += 1;
    if (span[1] > left) parts.push([left, span[1], false]);
    var start = seg[0];
    var pieces = parts.map(function (part) {
      var from = start + codePoints(text.slice(span[0], part[0]));
      return { span: [part[0], part[1]],
               seg: [from, from + codePoints(text.slice(part[0], part[1])), seg[2], seg[3], seg[4]],
               flip: part[2] };
    });
    if (doc.original === null) {
      doc.original = { segments: doc.data.segments.slice(), spans: doc.spans.slice() };
    }
    var fix = doc.corrections.get(index);
    var shifted = new Map();
    doc.corrections.forEach(function (value, key) {
      if (key !== index) shifted.set(key > index ? key + pieces.length - 1 : key, value);
    });
    doc.corrections = shifted;
    doc.data.segments.splice.apply(doc.data.segments, [index, 1].concat(pieces.map(function (p) { return p.seg; })));
    doc.spans.splice.apply(doc.spans, [index, 1].concat(pieces.map(function (p) { return p.span; })));
    doc.origins.splice.apply(doc.origins, [index, 1].concat(pieces.map(function () { return doc.origins[index]; })));
    var chosen = index;
    pieces.forEach(function (piece, k) {
      if (piece.flip) {
        chosen = index + k;
        var kind = seg[3] !== CONTENT ? seg[3] : UNNAMED;
        correct(doc, chosen, !d.removed, d.removed ? CONTENT : kind);
      } else if (fix) {
        doc.corrections.set(index + k, fix);
      }
    });
    window.getSelection().removeAllRanges();
    rerenderDoc(doc, chosen);
  }

  // Put the pieces cut from one segment back together; their corrections are dropped.
  function mergeBack(doc, index) {
    var origin = doc.origins[index];
    var first = index;
    while (first > 0 && doc.origins[first - 1] === origin) first -= 1;
    var last = index;
    while (last + 1 < doc.origins.length && doc.origins[last + 1] === origin) last += 1;
    var count = last - first + 1;
    var shifted = new Map();
    doc.corrections.forEach(function (value, key) {
      if (key < first) shifted.set(key, value);
      else if (key > last) shifted.set(key - count + 1, value);
    });
    doc.corrections = shifted;
    doc.data.segments.splice(first, count, doc.original.segments[origin]);
    doc.spans.splice(first, count, doc.original.spans[origin]);
    doc.origins.splice(first, count, origin);
    if (doc.origins.every(function (o, i) { return o === i; })) doc.original = null;
    rerenderDoc(doc, first);
  }

  function rerenderDoc(doc, index) {
    var old = document.querySelector('#docs article.doc[data-doc="' + doc.n + '"]');
    state.selected = null;  // indices moved: the old selection means another segment now
    var fresh = renderDoc(doc);
    old.replaceWith(fresh);
    var span = fresh.querySelector('.seg[data-index="' + index + '"]');
    select({ doc: doc, index: index, span: span });
    renderSummary();
  }

  // ------------------------------------------------------------------ threshold

  function setThreshold(value, from) {
    var t = Number(value);
    if (!isFinite(t)) return;
    t = Math.min(1, Math.max(0, t));
    state.threshold = t;
    if (from !== "range") $("threshold-range").value = String(t);
    if (from !== "number") $("threshold-number").value = String(t);
    repaintVisible();
    if (state.selected) openEditor();
    renderSummary();
  }

  function bindThreshold() {
    $("threshold-range").addEventListener("input", function (e) { setThreshold(e.target.value, "range"); });
    $("threshold-number").addEventListener("input", function (e) {
      if (e.target.value !== "") setThreshold(e.target.value, "number");
    });
    $("threshold-reset").addEventListener("click", function () { setThreshold(DATA.threshold); });
    $("hide-removed").addEventListener("change", function (e) {
      document.body.classList.toggle("hide-removed", e.target.checked);
    });
    // Where declutter.clean decided otherwise than the rule (a line kept whole because a
    // piece of it reads as content), say so once, rather than hide it.
    var differ = 0;
    docs.forEach(function (doc) {
      doc.data.segments.forEach(function (seg) {
        if ((seg[4] === 1) !== (seg[2] >= doc.data.threshold)) differ += 1;
      });
    });
    if (differ) {
      var note = $("rule-note");
      note.hidden = false;
      note.textContent = differ + " segment(s) were decided otherwise by declutter.clean at the " +
        "threshold it used (a line is kept whole when one of its pieces reads as content); the page " +
        "applies the rule to them too. Hover a segment to see.";
    }
  }

  // ------------------------------------------------------------------ export

  function separatorOf(doc) {
    var counts = new Map();
    var segments = doc.spans;
    for (var i = 1; i < segments.length; i += 1) {
      var gap = doc.data.text.slice(segments[i - 1][1], segments[i][0]);
      if (LINE_BREAK.test(gap)) counts.set(gap, (counts.get(gap) || 0) + 1);
    }
    var best = DEFAULT_SEPARATOR;
    var most = 0;
    counts.forEach(function (count, gap) { if (count > most) { most = count; best = gap; } });
    return best;
  }

  // A page's paragraphs carry the HTML features of the block they start in (blocks and
  // segments are both in source order, code-point offsets).
  function addBlockFeatures(doc, paragraphs) {
    var blocks = doc.data.blocks;
    var b = 0;
    doc.data.segments.forEach(function (seg, i) {
      while (b + 1 < blocks.length && blocks[b + 1][0] <= seg[0]) b += 1;
      paragraphs[i].html = DATA.features[blocks[b][1]];
    });
  }

  // The training record of one document: the twin of declutter.review.training_record.
  function trainingRecord(doc) {
    var segments = doc.spans;
    if (!segments.length) return null;
    var text = doc.data.text;
    var separator = separatorOf(doc);
    var paragraphs = segments.map(function (seg, i) {
      var d = decision(doc, i);
      var item = { text: text.slice(seg[0], seg[1]), label: d.removed ? INSERT : CONTENT };
      if (d.removed) item.kind = d.kind || UNNAMED;
      if (i > 0) {
        var gap = text.slice(segments[i - 1][1], seg[0]);
        if (gap !== separator) item.join = gap;
      }
      return item;
    });
    if (doc.data.blocks) addBlockFeatures(doc, paragraphs);
    var record = { id: doc.data.id, source: doc.data.site };
    if (doc.data.lang) record.lang = doc.data.lang;
    record.separator = separator;
    record.paragraphs = paragraphs;
    return record;
  }

  // One JSON line. U+2028, U+2029 and U+0085 are escaped although JSON allows them raw:
  // they end a line for str.splitlines and many editors, and would cut a record in two.
  function jsonLine(record) {
    return JSON.stringify(record).replace(/[\u2028\u2029\x85]/g, function (c) {
      return "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");
    }) + "\n";
  }

  function exportText(scope) {
    var lines = [];
    docs.forEach(function (doc) {
      if (scope !== "all" && !isReviewed(doc)) return;
      var record = trainingRecord(doc);
      if (record) lines.push(jsonLine(record));
    });
    return lines.join("");
  }

  function bindExport() {
    var link = $("export-link");
    $("export-button").addEventListener("click", function () {
      var scope = $("export-scope").value;
      var text = exportText(scope);
      var count = text ? text.split("\n").length - 1 : 0;
      $("export-text").textContent = text;
      if (!count) {
        $("export-status").textContent = "nothing to export: correct a segment or tick a document as checked";
        return;
      }
      if (link.href) URL.revokeObjectURL(link.href);
      link.href = URL.createObjectURL(new Blob([text], { type: "application/jsonl" }));
      link.download = "declutter-review.jsonl";
      link.click();
      $("export-status").textContent = count + " document(s) exported as declutter-review.jsonl";
    });
  }

  // For tests and the browser console: the export as text, and the state's handles.
  window.declutterExport = function (scope) { return exportText(scope || "reviewed"); };
  window.declutterReview = {
    setThreshold: setThreshold,
    removedCount: function () { return totals().removed; },
    segments: function (n) { return docs[n].data.segments.map(function (seg) { return seg.slice(); }); },
    goTo: goTo
  };

  // ------------------------------------------------------------------ start

  renderLegend();
  buildHistogram();
  bindThreshold();
  bindEditing();
  bindExport();
  setThreshold(DATA.threshold);
  renderPage();
  document.body.dataset.ready = "1";
  // When the first page of documents was rendered and then painted (ms since navigation).
  window.declutterTimings = { rendered: performance.now(), painted: null };
  requestAnimationFrame(function () {
    setTimeout(function () { window.declutterTimings.painted = performance.now(); }, 0);
  });
})();
