/*
 * Counter-trafficking assistant: embeddable chat widget.
 *
 * This file is not served as is: widget/build.sh wraps it in one function together with the socket.io
 * browser client (as `io`) and widget/i18n.json (as `I18N`), so the host page gets no globals, and a page
 * that already uses socket.io or AMD is not disturbed.
 *
 * Safety rules this code keeps (the person chatting may have their device checked by an abuser):
 * - the conversation lives in sessionStorage only, under one key; nothing in localStorage or cookies;
 * - quick exit (button or Esc twice within a second) wipes it and replaces the page with a neutral site;
 * - message text, the user's and the bot's, only ever reaches the page through textContent, and the user's
 *   own text is never turned into links or bold;
 * - the chat lives in a closed shadow root, so scripts of the host page cannot read the conversation;
 * - the session id is only usable with the signed token the server issued with it;
 * - "forget me" (typed or through quick exit) wipes this tab's copy too;
 * - nothing is fetched from anyone but the widget's own server and the assistant's server;
 * - no connection is opened before the person opens the chat.
 */
/* global io, I18N */
// Filled in by the server that hands out this file (bot/channels/widget/assets.py): the referral directory's
// numbers (the only numbers made tappable) and the text, with the emergency numbers, shown when the assistant
// cannot be reached. Null when the file is served some other way.
var RUNTIME = /*@runtime@*/ null;
var STORAGE_KEY = "cta-widget";
var MAX_MESSAGES = 200;
var ESC_WINDOW_MS = 1000;
var TYPING_TIMEOUT_MS = 25000;
// After this long without an answer (server down, restarting, or answering nothing), the person is shown the
// emergency numbers rather than a silent chat.
var NO_ANSWER_MS = 15000;
// A browser can bring a closed tab back with its sessionStorage ("reopen closed tab"), so a conversation
// left alone this long is wiped instead of restored.
var KEEP_IDLE_MS = 30 * 60 * 1000;
var DEFAULT_SERVER = "http://localhost:5005";
var DEFAULT_EXIT_URL = "https://weather.com/";
// Bot text that becomes elements: **bold**, then [label](url), bare URLs, e-mail addresses, and the numbers of
// the referral directory exactly as it writes them (a date or an amount is never mistaken for a phone number).
var BOLD = /\*\*([^*\n]+)\*\*/g;
var PHONES = RUNTIME && RUNTIME.phones ? RUNTIME.phones : [];
var TOKEN = new RegExp(
  "\\[([^\\]\\n]{1,200})\\]\\((https?:\\/\\/[^\\s)]+)\\)|((?:https?:\\/\\/|www\\.)[^\\s<>\"]+)|" +
    "([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})" +
    (PHONES.length ? "|(" + PHONES.map(escapeRegExp).join("|") + ")" : "|(\\b\\B)"),
  "g"
);

if (window.__ctaWidget) return;

var script = document.currentScript || findOwnScript();
if (!script) return;
var base = new URL(".", script.src).href;
var config = {
  server: script.getAttribute("data-server") || DEFAULT_SERVER,
  socketPath: script.getAttribute("data-socket-path") || "/socket.io",
  exitUrl: httpUrl(script.getAttribute("data-exit-url")) || DEFAULT_EXIT_URL,
  lang: script.getAttribute("data-lang"),
};

var state = loadState() || {
  v: 2,
  sessionId: null,
  token: null,
  lang: pickLanguage(config.lang),
  open: false,
  messages: [],
  replies: [],
  pending: [],
};

var socket = null;
var ready = false;
var wasConnected = false;
var typingTimer = null;
var statusTimer = null;
var lastEscape = 0;
var exited = false;
var ui = null;

window.__ctaWidget = { quickExit: quickExit };
document.addEventListener("keydown", onKeyDown, true);
if (document.body) {
  start();
} else {
  document.addEventListener("DOMContentLoaded", start); // loaded without defer from <head>
}

function start() {
  ui = buildUi();
  if (state.open) openPanel(false);
}

/* ---------- configuration and storage ---------- */

function findOwnScript() {
  var scripts = document.getElementsByTagName("script");
  for (var i = scripts.length - 1; i >= 0; i--) {
    if (/\/widget\.js(\?|$)/.test(scripts[i].src)) return scripts[i];
  }
  return null;
}

function httpUrl(value) {
  if (!value) return null;
  try {
    var url = new URL(value, document.baseURI);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch (e) {
    return null;
  }
}

function pickLanguage(wanted) {
  var codes = Object.keys(I18N.languages);
  var candidates = [wanted, (navigator.language || "").slice(0, 2).toLowerCase(), I18N["default"]];
  for (var i = 0; i < candidates.length; i++) {
    if (candidates[i] && codes.indexOf(candidates[i]) >= 0) return candidates[i];
  }
  return codes[0];
}

function loadState() {
  try {
    var raw = window.sessionStorage.getItem(STORAGE_KEY);
    var parsed = raw ? JSON.parse(raw) : null;
    if (parsed && parsed.v === 2 && I18N.languages[parsed.lang] && Date.now() - parsed.updated < KEEP_IDLE_MS) {
      return parsed;
    }
    if (raw) window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    /* storage blocked or corrupt: start fresh */
  }
  return null;
}

function saveState() {
  if (exited) return;
  if (state.messages.length > MAX_MESSAGES) state.messages = state.messages.slice(-MAX_MESSAGES);
  state.updated = Date.now();
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(state));
  } catch (e) {
    /* storage blocked (some private modes): the chat still works, it just is not kept on reload */
  }
}

function t(key) {
  var table = I18N.languages[state.lang] || {};
  var fallback = I18N.languages[I18N["default"]] || {};
  return table[key] || fallback[key] || key;
}

/* ---------- building the interface ---------- */

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function button(className, onClick) {
  var b = el("button", className);
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

function buildUi() {
  var host = el("div");
  host.id = "cta-widget";
  // Closed: the host page's scripts cannot reach into the chat (an abuser's script, a tracking tag).
  var root = host.attachShadow ? host.attachShadow({ mode: "closed" }) : host;

  var wrap = el("div", "cta");
  wrap.hidden = true; // shown once the stylesheet has loaded, so nothing flashes unstyled
  var css = el("link");
  css.rel = "stylesheet";
  css.href = base + "widget.css";
  css.onload = css.onerror = function () {
    wrap.hidden = false;
  };

  var dock = el("div", "cta-dock");
  var dockExit = button("cta-exit", quickExit);
  var launcher = button("cta-launcher", function () {
    openPanel(true);
  });
  launcher.setAttribute("aria-controls", "cta-panel");
  launcher.setAttribute("aria-expanded", "false");
  dock.appendChild(dockExit);
  dock.appendChild(launcher);

  var panel = el("section", "cta-panel");
  panel.id = "cta-panel";
  panel.hidden = true;
  panel.setAttribute("aria-labelledby", "cta-title");

  var header = el("div", "cta-header");
  var title = el("h2", "cta-title");
  title.id = "cta-title";
  var langs = el("div", "cta-langs");
  langs.setAttribute("role", "group");
  var langButtons = {};
  Object.keys(I18N.languages).forEach(function (code) {
    var b = button("cta-lang", function () {
      switchLanguage(code);
    });
    b.lang = code;
    b.setAttribute("data-lang", code);
    langButtons[code] = b;
    langs.appendChild(b);
  });
  var panelExit = button("cta-exit", quickExit);
  var close = button("cta-close", closePanel);
  close.appendChild(el("span", null, "\u2013")).setAttribute("aria-hidden", "true");
  header.appendChild(title);
  header.appendChild(langs);
  header.appendChild(panelExit);
  header.appendChild(close);

  var notice = el("p", "cta-notice");
  var log = el("div", "cta-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-relevant", "additions");
  log.tabIndex = 0; // lets keyboard users scroll a long conversation

  var empty = el("p", "cta-empty");
  log.appendChild(empty);

  var replies = el("div", "cta-replies");
  replies.setAttribute("role", "group");
  replies.hidden = true;

  var typing = el("div", "cta-typing");
  typing.setAttribute("role", "status");
  typing.hidden = true;
  var dots = el("span", "cta-dots");
  dots.setAttribute("aria-hidden", "true");
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  dots.appendChild(el("span"));
  var typingText = el("span", "cta-sr");
  typing.appendChild(dots);
  typing.appendChild(typingText);

  var status = el("p", "cta-status");
  status.setAttribute("role", "status");

  var form = el("form", "cta-form");
  var label = el("label", "cta-sr");
  label.htmlFor = "cta-input";
  var input = el("input", "cta-input");
  input.id = "cta-input";
  input.type = "text";
  input.maxLength = 1000;
  input.autocomplete = "off"; // typed words must not end up in the browser's autofill history
  input.setAttribute("autocapitalize", "sentences");
  input.setAttribute("enterkeyhint", "send");
  var send = el("button", "cta-send");
  send.type = "submit";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(send);
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    sendUserMessage(text, text);
  });

  panel.appendChild(header);
  panel.appendChild(notice);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(replies);
  panel.appendChild(status);
  panel.appendChild(form);

  wrap.appendChild(dock);
  wrap.appendChild(panel);
  root.appendChild(css);
  root.appendChild(wrap);

  var refs = {
    host: host, wrap: wrap, dock: dock, dockExit: dockExit, launcher: launcher, panel: panel,
    title: title, langs: langs, langButtons: langButtons, panelExit: panelExit, close: close,
    notice: notice, log: log, empty: empty, replies: replies, typing: typing, typingText: typingText,
    status: status, label: label, input: input, send: send,
  };
  // History is drawn before the widget joins the page, so a reload does not re-announce it.
  state.messages.forEach(function (m) {
    refs.log.appendChild(renderMessage(m));
  });
  renderReplies(state.replies, refs);
  applyLabels(refs);
  document.body.appendChild(host);
  return refs;
}

function applyLabels(refs) {
  refs = refs || ui;
  refs.wrap.lang = state.lang;
  refs.launcher.textContent = t("launcher");
  refs.launcher.setAttribute("aria-label", t("launcherLabel"));
  [refs.dockExit, refs.panelExit].forEach(function (b) {
    b.textContent = t("quickExit");
    b.setAttribute("aria-label", t("quickExitLabel"));
  });
  refs.title.textContent = t("title");
  refs.close.setAttribute("aria-label", t("close"));
  refs.langs.setAttribute("aria-label", t("languageGroup"));
  Object.keys(refs.langButtons).forEach(function (code) {
    var b = refs.langButtons[code];
    b.textContent = I18N.languages[code].switchLabel || code.toUpperCase();
    b.setAttribute("aria-label", I18N.languages[code].name || code);
    b.setAttribute("aria-pressed", code === state.lang ? "true" : "false");
  });
  refs.notice.textContent = t("notice");
  refs.empty.textContent = t("empty");
  refs.log.setAttribute("aria-label", t("log"));
  refs.replies.setAttribute("aria-label", t("replies"));
  refs.typingText.textContent = t("typing");
  refs.label.textContent = t("inputLabel");
  refs.input.placeholder = t("placeholder");
  refs.send.textContent = t("send");
  var whoLabels = refs.log.querySelectorAll(".cta-who");
  for (var i = 0; i < whoLabels.length; i++) {
    whoLabels[i].textContent = t(whoLabels[i].getAttribute("data-who")) + " ";
  }
}

/* ---------- messages ---------- */

function renderMessage(m) {
  var item = el("div", "cta-msg cta-from-" + (m.who === "user" ? "user" : "bot"));
  if (m.lang) item.lang = m.lang;
  var whoKey = m.who === "user" ? "you" : "assistant";
  var who = el("span", "cta-sr cta-who", t(whoKey) + " ");
  who.setAttribute("data-who", whoKey);
  item.appendChild(who);
  var body = el("span", "cta-text");
  // What the person typed is shown exactly as typed: never bold, never a link.
  if (m.who === "user") body.textContent = m.text;
  else body.appendChild(richText(m.text));
  item.appendChild(body);
  return item;
}

function addMessage(who, text) {
  var m = { who: who, text: String(text), lang: state.lang };
  state.messages.push(m);
  saveState();
  ui.log.appendChild(renderMessage(m));
  ui.log.scrollTop = ui.log.scrollHeight;
}

function renderReplies(replies, refs) {
  refs = refs || ui;
  refs.replies.textContent = "";
  (replies || []).forEach(function (r) {
    var b = button("cta-reply", function () {
      sendUserMessage(r.title, r.payload);
      refs.input.focus(); // the pressed button disappears; keep keyboard users in the conversation
    });
    b.textContent = r.title;
    refs.replies.appendChild(b);
  });
  refs.replies.hidden = !(replies && replies.length);
}

function setReplies(replies) {
  state.replies = replies;
  saveState();
  renderReplies(replies);
}

function sendUserMessage(shown, payload) {
  if (shown) addMessage("user", shown);
  setReplies([]);
  deliver(payload);
}

function deliver(text) {
  var message = { message: text, metadata: { language: state.lang } };
  // The page's language tells the assistant what to answer in when the first message itself does not
  // ("ok", "Honduras"); only with the first message, so a later short reply never changes the language.
  if (!state.hinted) {
    message.metadata.language_hint = state.lang;
    state.hinted = true;
  }
  showTyping(true);
  expectAnswer();
  if (ready && socket && socket.connected) {
    emitMessage(message);
  } else {
    state.pending.push(message);
    saveState();
    connect();
  }
}

function emitMessage(message) {
  // No session id here: the server knows this connection's session from the signed token it checked.
  socket.emit("user_uttered", { message: message.message, metadata: message.metadata });
}

var noAnswerTimer = null;
var turnReplies = [];

function expectAnswer() {
  turnReplies = [];
  clearTimeout(noAnswerTimer);
  noAnswerTimer = setTimeout(showUnavailable, NO_ANSWER_MS);
}

// The assistant did not answer in time: the emergency numbers, in the person's language, instead of silence.
function showUnavailable() {
  showTyping(false);
  var texts = RUNTIME && RUNTIME.unavailable;
  var text = texts ? texts[state.lang] || texts[I18N["default"]] : t("unavailable");
  if (text) addMessage("bot", text);
}

function onBotMessage(data) {
  if (!data || typeof data !== "object") return;
  clearTimeout(noAnswerTimer);
  showTyping(false);
  if (data.custom && data.custom.forget === true) {
    forgetInThisTab();
    return;
  }
  var text = typeof data.text === "string" ? data.text : "";
  var attachment = data.attachment && data.attachment.payload;
  if (!text && attachment && typeof attachment.src === "string") text = attachment.src; // shown as a link, never loaded
  var buttons = data.quick_replies || data.buttons || [];
  var replies = [];
  for (var i = 0; i < buttons.length; i++) {
    var b = buttons[i];
    if (b && b.title != null) replies.push({ title: String(b.title), payload: String(b.payload != null ? b.payload : b.title) });
  }
  if (text) {
    addMessage("bot", text);
    turnReplies.push(text);
  }
  if (replies.length || text) setReplies(replies);
}

// The assistant confirmed a forget request: this tab's copy goes too, the session with it. The answers of this
// very turn (the confirmation, and emergency numbers if the same message asked for help) stay on screen, unsaved.
function forgetInThisTab() {
  var keep = turnReplies.slice();
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    /* nothing stored */
  }
  state.messages = [];
  state.replies = [];
  state.pending = [];
  state.sessionId = null;
  state.token = null;
  state.hinted = false;
  var items = ui.log.querySelectorAll(".cta-msg");
  for (var i = 0; i < items.length; i++) items[i].remove();
  renderReplies([]);
  keep.forEach(function (text) {
    ui.log.appendChild(renderMessage({ who: "bot", text: text, lang: state.lang }));
  });
  ui.log.appendChild(el("p", "cta-wiped", t("wiped")));
  var s = socket;
  socket = null;
  ready = false;
  if (s) s.disconnect(); // the next message starts a new session
  saveState();
}

/* ---------- text to safe nodes: links, e-mail and phone numbers become <a>, the rest stays text ---------- */


function richText(text) {
  var frag = document.createDocumentFragment();
  var last = 0;
  var m;
  BOLD.lastIndex = 0;
  while ((m = BOLD.exec(text))) {
    frag.appendChild(linkify(text.slice(last, m.index)));
    var strong = el("strong");
    strong.appendChild(linkify(m[1]));
    frag.appendChild(strong);
    last = m.index + m[0].length;
  }
  frag.appendChild(linkify(text.slice(last)));
  return frag;
}

function linkify(text) {
  var frag = document.createDocumentFragment();
  var last = 0;
  var m;
  TOKEN.lastIndex = 0;
  while ((m = TOKEN.exec(text))) {
    var node = null;
    var consumed = m[0];
    if (m[1]) {
      node = webLink(m[1], m[2]);
    } else if (m[3]) {
      consumed = m[3].replace(/[.,;:!?)\]'"]+$/, "");
      node = webLink(consumed, /^www\./i.test(consumed) ? "https://" + consumed : consumed);
    } else if (m[4]) {
      node = el("a", "cta-link", m[4]);
      node.href = "mailto:" + m[4];
    } else if (m[5]) {
      node = phoneLink(m[5], text.charAt(m.index - 1), text.charAt(m.index + m[5].length));
    }
    if (!node) continue; // not a link after all: it stays part of the surrounding text
    frag.appendChild(document.createTextNode(text.slice(last, m.index)));
    frag.appendChild(node);
    last = m.index + consumed.length;
    TOKEN.lastIndex = last;
  }
  frag.appendChild(document.createTextNode(text.slice(last)));
  return frag;
}

function webLink(label, href) {
  var url;
  try {
    url = new URL(href);
  } catch (e) {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  var a = el("a", "cta-link", label);
  a.href = url.href;
  a.target = "_blank";
  a.rel = "noopener noreferrer"; // the site linked to must not learn where the person came from
  a.appendChild(el("span", "cta-sr", " " + t("opensNewTab")));
  return a;
}

function phoneLink(candidate, before, after) {
  if (/[\w+*-]/.test(before || "") || /[\w-]/.test(after || "")) return null; // part of a longer number or word
  var digits = candidate.replace(/[^\d*#]/g, "");
  var a = el("a", "cta-link cta-tel", candidate);
  a.href = "tel:" + (candidate.charAt(0) === "+" ? "+" : "") + digits;
  return a;
}

function escapeRegExp(text) {
  return String(text).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/* ---------- connection ---------- */

function connect() {
  if (socket) return;
  setStatus(t("connecting"));
  socket = io(config.server, {
    path: config.socketPath,
    // socket.io's default: start with HTTP long-polling, upgrade to WebSocket when the network allows it.
    // Slower by a request or two, but it works behind proxies and mobile networks that break WebSockets.
    transports: ["polling", "websocket"],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 8000,
    timeout: 10000,
    withCredentials: false,
  });
  var own = socket;
  socket.on("connect", function () {
    ready = false;
    own.emit("session_request", { session_id: state.sessionId, token: state.token });
  });
  socket.on("session_confirm", function (data) {
    if (own !== socket) return;
    if (data && typeof data === "object" && data.session_id && data.token) {
      state.sessionId = String(data.session_id);
      state.token = String(data.token);
    }
    ready = true;
    saveState();
    setStatus(wasConnected ? t("reconnected") : "", wasConnected ? 3000 : 0);
    wasConnected = true;
    flushPending();
  });
  socket.on("bot_uttered", function (data) {
    if (own === socket) onBotMessage(data);
  });
  socket.on("session_required", function () {
    ready = false;
    own.emit("session_request", { session_id: state.sessionId, token: state.token });
  });
  socket.on("disconnect", function (reason) {
    ready = false;
    if (!socket) return; // we closed it (quick exit)
    setStatus(t("offline"));
    if (reason === "io server disconnect") socket.connect(); // socket.io does not retry this case itself
  });
  socket.on("connect_error", function () {
    ready = false;
    setStatus(wasConnected ? t("offline") : t("connecting"));
  });
}

function flushPending() {
  var queue = state.pending;
  state.pending = [];
  saveState();
  queue.forEach(emitMessage);
}

function setStatus(text, clearAfterMs) {
  clearTimeout(statusTimer);
  ui.status.textContent = text || "";
  ui.status.hidden = !text;
  if (text && clearAfterMs) {
    statusTimer = setTimeout(function () {
      setStatus("");
    }, clearAfterMs);
  }
}

function showTyping(on) {
  clearTimeout(typingTimer);
  ui.typing.hidden = !on;
  if (on) {
    typingTimer = setTimeout(function () {
      ui.typing.hidden = true;
    }, TYPING_TIMEOUT_MS);
    ui.log.scrollTop = ui.log.scrollHeight;
  }
}

/* ---------- panel, language, quick exit ---------- */

function openPanel(moveFocus) {
  state.open = true;
  saveState();
  ui.panel.hidden = false;
  ui.dock.hidden = true;
  ui.launcher.setAttribute("aria-expanded", "true");
  ui.log.scrollTop = ui.log.scrollHeight;
  connect();
  if (moveFocus) ui.input.focus();
}

function closePanel() {
  state.open = false;
  saveState();
  ui.panel.hidden = true;
  ui.dock.hidden = false;
  ui.launcher.setAttribute("aria-expanded", "false");
  ui.launcher.focus();
}

function switchLanguage(code) {
  if (code === state.lang || !I18N.languages[code]) return;
  state.lang = code;
  saveState();
  applyLabels();
  deliver('/switch_language{"language":"' + code + '"}');
}

function onKeyDown(e) {
  if (e.key !== "Escape" && e.key !== "Esc") return;
  var now = Date.now();
  if (now - lastEscape <= ESC_WINDOW_MS) {
    e.preventDefault();
    quickExit();
  } else {
    lastEscape = now;
  }
}

// Ask the assistant to delete the conversation it stored, proving with the session's signed token that it is
// ours. sendBeacon survives the page being replaced; a text/plain body keeps it a simple request (no CORS
// preflight). Best effort: the page leaves whether or not it arrives.
function forgetOnServer(sessionId, token) {
  if (!sessionId || !token || !navigator.sendBeacon) return;
  try {
    var body = new Blob([JSON.stringify({ session_id: sessionId, token: token })], { type: "text/plain" });
    navigator.sendBeacon(config.server.replace(/\/+$/, "") + "/webhooks/socketio/forget", body);
  } catch (e) {
    /* the exit must never fail */
  }
}

function quickExit() {
  if (state.messages && state.messages.length) forgetOnServer(state.sessionId, state.token);
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch (e) {
    /* nothing stored */
  }
  exited = true;
  state = { v: 2, lang: state.lang, messages: [], replies: [], pending: [] };
  var s = socket;
  socket = null;
  if (s) s.disconnect();
  if (ui) ui.host.remove();
  // Hide the page at once (the neutral site may take seconds to load on a slow phone) and make sure the
  // neutral site is not told which page the person left.
  var meta = document.createElement("meta");
  meta.name = "referrer";
  meta.content = "no-referrer";
  document.head.appendChild(meta);
  document.title = "";
  if (document.body) document.body.textContent = "";
  window.location.replace(config.exitUrl);
}
