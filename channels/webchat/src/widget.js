// Trợ lý Dịch vụ công: accessible web chat widget for Rasa's socketio channel.
//
// This file is the widget body. build.sh wraps it, together with the pinned socket.io-client
// bundle, in one IIFE (dist/widget.js) where `io` is the socket.io-client factory; nothing
// leaks into the host page's globals except `window.DvcWebchat` (version and a guard).
//
// Rules kept throughout: message content only ever reaches the DOM through textContent or
// validated https hrefs (never innerHTML); every control has a visible Vietnamese label.

/* global io */

var VERSION = "0.1.0";
if (window.DvcWebchat && window.DvcWebchat.loaded) {
  return;
}
window.DvcWebchat = { version: VERSION, loaded: true };

// ---------------------------------------------------------------- constants and UI text

var MAX_INPUT = 1000; // characters a citizen can type in one message
var MAX_BOT_TEXT = 5000; // longer bot texts are cut (defensive, Rasa answers are short)
var MAX_LOG = 200; // transcript entries kept in localStorage
var MAX_REPLIES = 12; // quick-reply buttons shown for one message
var ACK_TIMEOUT_MS = 90000; // > python-engineio's ping interval + timeout (25 s + 20 s)
var VOICE_WAIT_MS = 2500; // how long to wait for the browser's voice list

var T = {
  title: "Hỏi đáp thủ tục",
  launcherNew: "Có trả lời mới",
  bigText: "Chữ to",
  restart: "Bắt đầu lại",
  close: "Đóng",
  log: "Cuộc trò chuyện",
  inputLabel: "Câu hỏi của bác",
  placeholder: "Nhập câu hỏi của bác…",
  send: "Gửi",
  speak: "Đọc to",
  stopSpeak: "Dừng đọc",
  botName: "Trợ lý trả lời",
  userName: "Bác hỏi",
  replies: "Chọn nhanh",
  welcome:
    "Chào bác! Bác cần hỏi thủ tục gì ạ? Bác gõ câu hỏi vào ô bên dưới rồi bấm «Gửi», " +
    "hoặc bấm Enter.",
  connecting: "Đang kết nối… Bác cứ gõ câu hỏi, trợ lý sẽ tự gửi đi khi kết nối được.",
  reconnecting:
    "Đang kết nối lại… Bác cứ gõ câu hỏi, trợ lý sẽ tự gửi đi khi có mạng trở lại.",
  reconnected: "Đã kết nối lại.",
  pendingOffline: "Chưa gửi được, sẽ tự gửi khi có mạng.",
  pendingSending: "Đang gửi…",
  typing: "Trợ lý đang trả lời…",
  empty: "Bác hãy gõ câu hỏi vào ô trên rồi bấm «Gửi».",
  noVoice:
    "Máy của bác chưa có giọng đọc tiếng Việt, nên chưa dùng được nút «Đọc to». " +
    "Bác có thể phóng to chữ bằng nút «Chữ to».",
  confirmRestart: "Bác muốn xoá cuộc trò chuyện này và bắt đầu lại?",
  confirmYes: "Xoá và bắt đầu lại",
  confirmNo: "Không",
  image: "Hình ảnh từ trợ lý",
  openFile: "Mở tệp đính kèm",
  link: "đường liên kết",
  announceBot: "Trợ lý: ",
  announceChoices: " Các lựa chọn: ",
};

// ---------------------------------------------------------------- configuration

function findOwnScript() {
  if (document.currentScript) {
    return document.currentScript;
  }
  var all = document.getElementsByTagName("script");
  for (var i = all.length - 1; i >= 0; i--) {
    if (/\/widget(\.min)?\.js(\?|#|$)/.test(all[i].src || "")) {
      return all[i];
    }
  }
  return null;
}

function readConfig(el) {
  var d = (el && el.dataset) || {};
  var socketUrl = (d.socketUrl || "").trim();
  if (!socketUrl && d.socketPort && /^\d{1,5}$/.test(d.socketPort)) {
    socketUrl = location.protocol + "//" + location.hostname + ":" + d.socketPort;
  }
  var transports = (d.transports || "websocket")
    .split(",")
    .map(function (s) {
      return s.trim();
    })
    .filter(function (s) {
      return s === "websocket" || s === "polling";
    });
  var hours = parseFloat(d.historyHours || "24");
  return {
    socketUrl: socketUrl || undefined, // undefined: same origin as the page
    socketPath: d.socketPath || "/socket.io/",
    transports: transports.length ? transports : ["websocket"],
    title: d.title || T.title,
    welcome: d.welcome || T.welcome,
    initPayload: d.initPayload || "",
    startOpen: d.open === "true",
    storageKey: d.storageKey || "dvc-webchat",
    lang: d.lang || "vi-VN",
    historyMs: (isFinite(hours) && hours > 0 ? hours : 24) * 3600 * 1000,
    cssUrl: el && el.src ? new URL("widget.css", el.src).href : "widget.css",
  };
}

var script = findOwnScript();
var cfg = readConfig(script);

// ---------------------------------------------------------------- storage (never throws)

function makeStore(prefix) {
  var memory = {};
  var ls = null;
  try {
    ls = window.localStorage;
    ls.setItem(prefix + ".probe", "1");
    ls.removeItem(prefix + ".probe");
  } catch (e) {
    ls = null; // private mode, disabled storage, sandboxed iframe: keep state in memory
  }
  return {
    get: function (key, fallback) {
      var raw = null;
      try {
        raw = ls ? ls.getItem(prefix + "." + key) : memory[key];
      } catch (e) {
        raw = memory[key];
      }
      if (raw === null || raw === undefined) {
        return fallback;
      }
      try {
        return JSON.parse(raw);
      } catch (e) {
        return fallback;
      }
    },
    set: function (key, value) {
      var raw = JSON.stringify(value);
      memory[key] = raw;
      if (ls) {
        try {
          ls.setItem(prefix + "." + key, raw);
        } catch (e) {
          // quota exceeded: the in-memory copy still serves this page
        }
      }
    },
    remove: function (key) {
      delete memory[key];
      if (ls) {
        try {
          ls.removeItem(prefix + "." + key);
        } catch (e) {
          // ignore
        }
      }
    },
  };
}

var store = makeStore(cfg.storageKey);

function newId() {
  if (window.crypto && window.crypto.randomUUID) {
    return window.crypto.randomUUID().replace(/-/g, "");
  }
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.prototype.map
    .call(bytes, function (b) {
      return (b < 16 ? "0" : "") + b.toString(16);
    })
    .join("");
}

function validSessionId(v) {
  return typeof v === "string" && /^[A-Za-z0-9_-]{8,128}$/.test(v);
}

function asArray(v) {
  return Array.isArray(v) ? v : [];
}

// State kept across reloads. Old history is dropped: Rasa ends idle sessions too, and a
// shared computer in a commune office should not show yesterday's conversation.
var lastActive = store.get("active", 0);
if (typeof lastActive !== "number" || Date.now() - lastActive > cfg.historyMs) {
  store.remove("session");
  store.remove("log");
  store.remove("outbox");
}
var sessionId = store.get("session", null);
if (!validSessionId(sessionId)) {
  sessionId = null;
}
var log = asArray(store.get("log", [])).filter(function (e) {
  return e && typeof e === "object" && (e.who === "user" || e.who === "bot");
});
var outbox = asArray(store.get("outbox", [])).filter(function (e) {
  return e && typeof e.id === "string" && typeof e.message === "string";
});
var prefs = store.get("prefs", {}) || {};

function touch() {
  store.set("active", Date.now());
}
function saveLog() {
  if (log.length > MAX_LOG) {
    log = log.slice(log.length - MAX_LOG);
  }
  store.set("log", log);
  touch();
}
function saveOutbox() {
  store.set("outbox", outbox);
  touch();
}
function savePrefs() {
  store.set("prefs", prefs);
}

// ---------------------------------------------------------------- safe DOM helpers

function h(tag, attrs, children) {
  var el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) {
        return;
      }
      if (k === "text") {
        el.textContent = v;
      } else if (k === "class") {
        el.className = v;
      } else {
        el.setAttribute(k, v === true ? "" : String(v));
      }
    });
  }
  asArray(children).forEach(function (c) {
    if (c) {
      el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
  });
  return el;
}

// Only absolute https URLs without credentials become links or images.
function safeHttps(raw) {
  if (typeof raw !== "string" || raw.length > 2000) {
    return null;
  }
  try {
    var u = new URL(raw.trim());
    if (u.protocol !== "https:" || u.username || u.password) {
      return null;
    }
    return u.href;
  } catch (e) {
    return null;
  }
}

var URL_RE = /https?:\/\/[^\s<>"'`]+/gi;
var TRAILING_PUNCT = /[.,;:!?)\]}»”’'"]+$/;

// Appends `text` to `parent` as text nodes; https URLs become <a> elements.
function appendLinkified(parent, text) {
  var last = 0;
  text.replace(URL_RE, function (match, offset) {
    var url = match.replace(TRAILING_PUNCT, "");
    var href = safeHttps(url);
    if (!href) {
      return match; // http:, javascript: and the like stay plain text
    }
    if (offset > last) {
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
    }
    parent.appendChild(
      h("a", {
        href: href,
        target: "_blank",
        rel: "noopener noreferrer nofollow",
        text: url,
      }),
    );
    last = offset + url.length;
    return match;
  });
  if (last < text.length) {
    parent.appendChild(document.createTextNode(text.slice(last)));
  }
}

function clip(s, max) {
  return s.length > max ? s.slice(0, max) + "…" : s;
}

function str(v) {
  if (typeof v === "string") {
    return v;
  }
  if (typeof v === "number" || typeof v === "boolean") {
    return String(v);
  }
  return "";
}

// ---------------------------------------------------------------- bot message parsing

function normalizeReply(b) {
  if (!b || typeof b !== "object") {
    return null;
  }
  var title = clip(str(b.title).trim(), 120);
  var payload = clip(str(b.payload), 2000);
  var url = b.type === "web_url" || b.url ? safeHttps(str(b.url)) : null;
  if (!title || (!payload.trim() && !url)) {
    return null;
  }
  return url ? { title: title, url: url } : { title: title, payload: payload };
}

// Turns one `bot_uttered` payload (see rasa/core/channels/socketio.py) into a transcript
// entry, or null when it has nothing a citizen can see.
function normalizeBot(data) {
  if (typeof data === "string") {
    data = { text: data };
  }
  if (!data || typeof data !== "object" || Array.isArray(data)) {
    return null;
  }
  var entry = { id: newId(), who: "bot", text: "", replies: [] };
  var text = str(data.text).trim();
  var replies = Array.isArray(data.quick_replies) ? data.quick_replies : asArray(data.buttons);
  var att = data.attachment;
  if (att && typeof att === "object") {
    var payload = (att.payload && typeof att.payload === "object" && att.payload) || {};
    if (att.type === "image") {
      entry.image = safeHttps(str(payload.src));
      if (!entry.image && str(payload.src)) {
        text = text || T.image;
      }
    } else if (att.type === "template") {
      var elements = Array.isArray(payload.elements) ? payload.elements : [payload.elements];
      elements.forEach(function (el) {
        if (el && typeof el === "object") {
          var lines = [str(el.title).trim(), str(el.subtitle).trim()].filter(Boolean);
          text = [text].concat(lines).filter(Boolean).join("\n");
          replies = replies.concat(asArray(el.buttons));
          if (!entry.image && el.image_url) {
            entry.image = safeHttps(str(el.image_url));
          }
        }
      });
    } else if (payload.src || payload.url) {
      entry.file = safeHttps(str(payload.src || payload.url));
    }
  }
  entry.text = clip(text, MAX_BOT_TEXT);
  entry.replies = replies.map(normalizeReply).filter(Boolean).slice(0, MAX_REPLIES);
  if (!entry.text && !entry.replies.length && !entry.image && !entry.file) {
    return null;
  }
  return entry;
}

// ---------------------------------------------------------------- DOM skeleton

var host = h("div", { id: "dvc-webchat", "data-version": VERSION });
var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
var stylesheet = h("link", { rel: "stylesheet", href: cfg.cssUrl });
var wrap = h("div", { class: "dvc", hidden: true });
stylesheet.addEventListener("load", function () {
  wrap.hidden = false;
});
stylesheet.addEventListener("error", function () {
  wrap.hidden = false; // unstyled but usable beats invisible
});

function svgIcon(d) {
  var ns = "http://www.w3.org/2000/svg";
  var svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  var path = document.createElementNS(ns, "path");
  path.setAttribute("d", d);
  svg.appendChild(path);
  return svg;
}
var CHAT_ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
var SPEAKER_ICON =
  "M3 9v6h4l5 4V5L7 9H3zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4zM14 3.2v2.1a7 7 0 0 1 " +
  "0 13.4v2.1a9 9 0 0 0 0-17.6z";
var iconSvg = svgIcon(CHAT_ICON);

var badge = h("span", { class: "badge", hidden: true, text: T.launcherNew });
var launcher = h(
  "button",
  { type: "button", class: "launcher", "aria-expanded": "false", "aria-controls": "dvc-panel" },
  [iconSvg, h("span", { class: "launcher-text", text: cfg.title }), badge],
);

var bigBtn = h("button", {
  type: "button",
  class: "tool",
  "aria-pressed": prefs.big ? "true" : "false",
  text: T.bigText,
});
var restartBtn = h("button", { type: "button", class: "tool", text: T.restart });
var closeBtn = h("button", { type: "button", class: "tool tool-close", text: T.close });
var titleEl = h("h2", { id: "dvc-title", class: "title", tabindex: "-1", text: cfg.title });

var confirmNo = h("button", { type: "button", class: "btn btn-secondary", text: T.confirmNo });
var confirmYes = h("button", { type: "button", class: "btn btn-danger", text: T.confirmYes });
var confirmBar = h("div", { class: "confirm", hidden: true, role: "group", "aria-labelledby": "dvc-confirm-text" }, [
  h("p", { id: "dvc-confirm-text", class: "confirm-text", text: T.confirmRestart }),
  h("div", { class: "confirm-actions" }, [confirmYes, confirmNo]),
]);

var statusEl = h("p", { class: "status", role: "status", hidden: true });
var noteEl = h("p", { class: "note", hidden: true, text: T.noVoice });
var welcomeEl = h("p", { class: "welcome", text: cfg.welcome });
var listEl = h("ol", { class: "msgs" });
var typingEl = h("p", { class: "typing", hidden: true, text: T.typing });
var logEl = h(
  "div",
  { class: "log", role: "region", "aria-label": T.log, tabindex: "0" },
  [noteEl, welcomeEl, listEl, typingEl],
);

var input = h("textarea", {
  id: "dvc-input",
  class: "input",
  rows: "2",
  maxlength: String(MAX_INPUT),
  placeholder: T.placeholder,
  autocomplete: "off",
  enterkeyhint: "send",
  "aria-describedby": "dvc-hint",
});
var sendBtn = h("button", { type: "submit", class: "send", text: T.send });
var hintEl = h("p", { id: "dvc-hint", class: "hint", "aria-live": "polite" });
var form = h("form", { class: "compose", novalidate: true }, [
  h("label", { for: "dvc-input", class: "label", text: T.inputLabel }),
  h("div", { class: "row" }, [input, sendBtn]),
  hintEl,
]);

var panel = h(
  "section",
  { id: "dvc-panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "dvc-title", hidden: true },
  [
    h("header", { class: "head" }, [titleEl, h("div", { class: "tools" }, [bigBtn, restartBtn, closeBtn])]),
    confirmBar,
    statusEl,
    logEl,
    form,
  ],
);

// Screen readers hear bot messages from here (outside the panel, so it is announced even
// while the panel is closed).
var announcer = h("div", { class: "sr-only", "aria-live": "polite", "aria-relevant": "additions" });

wrap.appendChild(launcher);
wrap.appendChild(panel);
wrap.appendChild(announcer);
root.appendChild(stylesheet);
root.appendChild(wrap);
if (prefs.big) {
  wrap.classList.add("big");
}

// ---------------------------------------------------------------- read aloud

var speech = { state: "unknown", voice: null, speakingBtn: null };

function setSpeechState(state, voice) {
  speech.state = state;
  speech.voice = voice || null;
  wrap.classList.toggle("can-speak", state === "yes");
  noteEl.hidden = state !== "none";
}

function detectVoice() {
  var ss = window.speechSynthesis;
  if (!ss || typeof window.SpeechSynthesisUtterance === "undefined") {
    setSpeechState("none");
    return;
  }
  var want = cfg.lang.toLowerCase().replace("_", "-");
  var base = want.split("-")[0];
  function pick() {
    var voices = [];
    try {
      voices = ss.getVoices() || [];
    } catch (e) {
      voices = [];
    }
    var exact = null;
    var near = null;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (lang === want && !exact) {
        exact = voices[i];
      } else if (lang.split("-")[0] === base && !near) {
        near = voices[i];
      }
    }
    var found = exact || near;
    if (found) {
      setSpeechState("yes", found);
    } else if (voices.length && speech.state !== "yes") {
      setSpeechState("none"); // the list is loaded and has no Vietnamese voice
    }
    return found;
  }
  if (pick()) {
    return;
  }
  if (ss.addEventListener) {
    ss.addEventListener("voiceschanged", function () {
      if (!pick() && speech.state === "unknown") {
        setSpeechState("none");
      }
    });
  }
  setTimeout(function () {
    if (speech.state === "unknown" && !pick()) {
      setSpeechState("none");
    }
  }, VOICE_WAIT_MS);
}

function spokenText(entry) {
  var text = (entry.text || "").replace(URL_RE, T.link);
  if (entry.replies && entry.replies.length) {
    text +=
      "." +
      T.announceChoices +
      entry.replies
        .map(function (r) {
          return r.title;
        })
        .join(", ") +
      ".";
  }
  // Short chunks: some browsers stop long utterances after about 15 seconds.
  var chunks = [];
  // (no regex lookbehind: older iOS Safari cannot parse it)
  text.replace(/([.!?…])\s+/g, "$1\n").split(/\n+/).forEach(function (part) {
    part = part.trim();
    while (part.length > 220) {
      var cut = part.lastIndexOf(" ", 220);
      cut = cut > 50 ? cut : 220;
      chunks.push(part.slice(0, cut));
      part = part.slice(cut).trim();
    }
    if (part) {
      chunks.push(part);
    }
  });
  return chunks;
}

function setSpeakLabel(btn, text) {
  var label = btn.querySelector(".speak-label");
  if (label) {
    label.textContent = text;
  }
}

function resetSpeakButton() {
  if (speech.speakingBtn) {
    setSpeakLabel(speech.speakingBtn, T.speak);
    speech.speakingBtn.setAttribute("aria-pressed", "false");
    speech.speakingBtn = null;
  }
}

function speak(entry, btn) {
  var ss = window.speechSynthesis;
  if (!ss || speech.state !== "yes") {
    return;
  }
  var wasThis = speech.speakingBtn === btn;
  ss.cancel();
  resetSpeakButton();
  if (wasThis) {
    return; // second press stops reading
  }
  var chunks = spokenText(entry);
  if (!chunks.length) {
    return;
  }
  speech.speakingBtn = btn;
  setSpeakLabel(btn, T.stopSpeak);
  btn.setAttribute("aria-pressed", "true");
  chunks.forEach(function (chunk, i) {
    var u = new window.SpeechSynthesisUtterance(chunk);
    u.lang = cfg.lang;
    u.voice = speech.voice;
    u.rate = 0.9; // a little slower than default, for older listeners
    if (i === chunks.length - 1) {
      u.onend = function () {
        if (speech.speakingBtn === btn) {
          resetSpeakButton();
        }
      };
    }
    u.onerror = function () {
      if (speech.speakingBtn === btn) {
        resetSpeakButton();
      }
    };
    ss.speak(u);
  });
}

// ---------------------------------------------------------------- rendering

var entryEls = {}; // id -> <li>
// everReady: a session existed before (this page or an earlier one), so a failed connection
// is a *re*connection for the citizen.
var connection = { connected: false, ready: false, everReady: !!sessionId, generation: 0 };
var inflight = null;

function pendingText() {
  return connection.ready ? T.pendingSending : T.pendingOffline;
}

function renderUser(entry) {
  var li = h("li", { class: "msg user", "data-id": entry.id }, [
    h("p", { class: "who", text: T.userName }),
    h("p", { class: "bubble text", text: entry.text }),
  ]);
  if (entry.pending) {
    li.appendChild(h("p", { class: "pending", text: pendingText() }));
  }
  return li;
}

function renderBot(entry) {
  var li = h("li", { class: "msg bot", "data-id": entry.id });
  li.appendChild(h("p", { class: "who", text: T.botName }));
  var bubble = h("div", { class: "bubble" });
  if (entry.text) {
    var p = h("p", { class: "text", id: "dvc-t-" + entry.id });
    appendLinkified(p, entry.text);
    bubble.appendChild(p);
  }
  if (entry.image) {
    bubble.appendChild(h("img", { class: "image", src: entry.image, alt: T.image, loading: "lazy" }));
  }
  if (entry.file) {
    bubble.appendChild(
      h("p", { class: "text" }, [
        h("a", { href: entry.file, target: "_blank", rel: "noopener noreferrer nofollow", text: T.openFile }),
      ]),
    );
  }
  li.appendChild(bubble);
  if (entry.replies && entry.replies.length) {
    var group = h("div", { class: "replies", role: "group", "aria-label": T.replies });
    entry.replies.forEach(function (r, i) {
      var el;
      if (r.url) {
        el = h("a", { class: "reply", href: r.url, target: "_blank", rel: "noopener noreferrer nofollow", text: r.title });
      } else {
        el = h("button", { type: "button", class: "reply", text: r.title });
        if (typeof entry.chosen === "number") {
          el.disabled = true;
          if (entry.chosen === i) {
            el.classList.add("chosen");
            el.setAttribute("aria-pressed", "true");
          }
        }
        el.addEventListener("click", function () {
          chooseReply(entry, i);
        });
      }
      group.appendChild(el);
    });
    li.appendChild(group);
  }
  if (entry.text || (entry.replies && entry.replies.length)) {
    var speakBtn = h(
      "button",
      {
        type: "button",
        class: "speak",
        "aria-pressed": "false",
        "aria-describedby": entry.text ? "dvc-t-" + entry.id : null,
      },
      [svgIcon(SPEAKER_ICON), h("span", { class: "speak-label", text: T.speak })],
    );
    speakBtn.addEventListener("click", function () {
      speak(entry, speakBtn);
    });
    li.appendChild(speakBtn);
  }
  return li;
}

function renderEntry(entry) {
  var li = entry.who === "user" ? renderUser(entry) : renderBot(entry);
  var old = entryEls[entry.id];
  if (old && old.parentNode) {
    old.parentNode.replaceChild(li, old);
  } else {
    listEl.appendChild(li);
  }
  entryEls[entry.id] = li;
  welcomeEl.hidden = log.length > 0;
  return li;
}

function renderAll() {
  listEl.textContent = "";
  entryEls = {};
  log.forEach(renderEntry);
  welcomeEl.hidden = log.length > 0;
}

function refreshPending() {
  log.forEach(function (e) {
    if (e.who === "user" && e.pending) {
      var li = entryEls[e.id];
      var p = li && li.querySelector(".pending");
      if (p) {
        p.textContent = pendingText();
      }
    }
  });
}

// Shows the start of the newest answer (a long answer must be read from its beginning, not
// from its end), with a little of the question above it; while waiting, the bottom.
function scrollToLatest() {
  var lastUser = -1;
  for (var i = log.length - 1; i >= 0; i--) {
    if (log[i].who === "user") {
      lastUser = i;
      break;
    }
  }
  var answer = lastUser >= 0 && lastUser + 1 < log.length ? entryEls[log[lastUser + 1].id] : null;
  if (answer) {
    logEl.scrollTop = Math.max(0, answer.offsetTop - logEl.offsetTop - 48);
  } else {
    logEl.scrollTop = logEl.scrollHeight;
  }
}

function announce(text) {
  var p = h("p", { text: text });
  announcer.appendChild(p);
  while (announcer.childNodes.length > 3) {
    announcer.removeChild(announcer.firstChild);
  }
}

var statusTimer = null;
function setStatus(text, kind) {
  clearTimeout(statusTimer);
  statusEl.textContent = text || "";
  statusEl.hidden = !text;
  statusEl.className = "status" + (kind ? " status-" + kind : "");
  if (kind === "ok") {
    statusTimer = setTimeout(function () {
      setStatus("");
    }, 5000);
  }
}

function setTyping(on) {
  typingEl.hidden = !on;
}

// ---------------------------------------------------------------- panel behaviour

// On touch screens, focusing the text box pops up the on-screen keyboard over half the
// chat: only do it when the citizen asks for it (tapping the box, or having just typed).
function touchScreen() {
  return !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
}

function isOpen() {
  return !panel.hidden;
}

function openPanel(focusInput) {
  panel.hidden = false;
  launcher.hidden = true;
  launcher.setAttribute("aria-expanded", "true");
  badge.hidden = true;
  prefs.open = true;
  savePrefs();
  ensureConnected();
  scrollToLatest();
  if (focusInput === false) {
    return;
  }
  if (touchScreen()) {
    titleEl.focus(); // into the dialog for screen readers, without the keyboard
  } else {
    input.focus();
  }
}

function closePanel() {
  hideConfirm(false);
  panel.hidden = true;
  launcher.hidden = false;
  launcher.setAttribute("aria-expanded", "false");
  prefs.open = false;
  savePrefs();
  launcher.focus();
}

function showConfirm() {
  confirmBar.hidden = false;
  confirmNo.focus();
}

function hideConfirm(focusBack) {
  confirmBar.hidden = true;
  if (focusBack) {
    restartBtn.focus();
  }
}

launcher.addEventListener("click", function () {
  openPanel(true);
});
closeBtn.addEventListener("click", closePanel);
bigBtn.addEventListener("click", function () {
  prefs.big = !prefs.big;
  savePrefs();
  wrap.classList.toggle("big", !!prefs.big);
  bigBtn.setAttribute("aria-pressed", prefs.big ? "true" : "false");
});
restartBtn.addEventListener("click", showConfirm);
confirmNo.addEventListener("click", function () {
  hideConfirm(true);
});
confirmYes.addEventListener("click", function () {
  hideConfirm(false);
  restartConversation();
  input.focus();
});
panel.addEventListener("keydown", function (e) {
  if (e.key === "Escape") {
    e.preventDefault();
    if (!confirmBar.hidden) {
      hideConfirm(true);
    } else {
      closePanel();
    }
  }
});

// ---------------------------------------------------------------- sending

function queueMessage(message, shown) {
  var id = newId();
  var entry = { id: id, who: "user", text: shown, pending: true };
  log.push(entry);
  outbox.push({ id: id, message: message });
  saveLog();
  saveOutbox();
  renderEntry(entry);
  scrollToLatest();
  ensureConnected();
  flush();
}

function markDelivered(id) {
  outbox = outbox.filter(function (o) {
    return o.id !== id;
  });
  saveOutbox();
  for (var i = 0; i < log.length; i++) {
    if (log[i].id === id) {
      delete log[i].pending;
      saveLog();
      renderEntry(log[i]);
      break;
    }
  }
}

function flush() {
  if (!connection.ready || inflight) {
    return;
  }
  if (!outbox.length) {
    setTyping(false);
    return;
  }
  var item = outbox[0];
  var generation = connection.generation;
  inflight = item.id;
  setTyping(true);
  refreshPending();
  socket.timeout(ACK_TIMEOUT_MS).emit(
    "user_uttered",
    { message: item.message, session_id: sessionId, metadata: { client_msg_id: item.id } },
    function (err) {
      if (generation !== connection.generation || inflight !== item.id) {
        return; // answer from a connection that has since dropped: resent on reconnect
      }
      inflight = null;
      if (err && !socket.connected) {
        return;
      }
      // Rasa acknowledges after it has handled the message. A timeout while the socket
      // stayed up means Rasa is slow, not that the message was lost (a dead link is
      // detected by Engine.IO pings well before the timeout).
      markDelivered(item.id);
      flush();
    },
  );
}

function sendTyped() {
  var text = input.value.replace(/\s+$/, "").replace(/^\s+/, "");
  if (!text) {
    hintEl.textContent = T.empty;
    input.focus();
    return;
  }
  hintEl.textContent = "";
  text = text.slice(0, MAX_INPUT);
  input.value = "";
  store.remove("draft");
  queueMessage(text, text);
  input.focus();
}

function chooseReply(entry, index) {
  if (typeof entry.chosen === "number") {
    return; // one choice per group: protects against a double tap
  }
  var reply = entry.replies[index];
  entry.chosen = index;
  saveLog();
  renderEntry(entry);
  queueMessage(reply.payload, reply.title);
  if (!touchScreen()) {
    input.focus();
  }
}

form.addEventListener("submit", function (e) {
  e.preventDefault();
  sendTyped();
});
input.addEventListener("keydown", function (e) {
  // Enter sends, Shift+Enter makes a new line; never interrupt an IME composition
  // (Vietnamese Telex/VNI input methods compose with Enter on some systems).
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
    e.preventDefault();
    sendTyped();
  }
});
input.addEventListener("input", function () {
  if (hintEl.textContent && input.value.trim()) {
    hintEl.textContent = "";
  }
  store.set("draft", input.value.slice(0, MAX_INPUT));
});

function restartConversation() {
  if (window.speechSynthesis) {
    window.speechSynthesis.cancel();
  }
  resetSpeakButton();
  log = [];
  outbox = [];
  inflight = null;
  sessionId = null;
  store.remove("session");
  saveLog();
  saveOutbox();
  renderAll();
  setTyping(false);
  // A new socket id leaves the old session's room, so late answers to the old
  // conversation cannot appear in the new one.
  if (socket.connected || socket.active) {
    socket.disconnect();
  }
  connection.everReady = false;
  setStatus("");
  manualDisconnect = false;
  socket.connect();
}

// ---------------------------------------------------------------- socket

var socket = io(cfg.socketUrl, {
  path: cfg.socketPath,
  transports: cfg.transports,
  autoConnect: false,
  reconnection: true,
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
  timeout: 10000,
});
var manualDisconnect = false;
var serverKickTimer = null;

function ensureConnected() {
  if (!socket.connected && !socket.active && navigator.onLine !== false) {
    manualDisconnect = false;
    socket.connect();
  }
  // No status line yet: a healthy connection takes a moment and needs no words. A failed
  // attempt (connect_error) or a drop shows the calm "reconnecting" line.
}

function onDropped() {
  connection.ready = false;
  connection.generation += 1;
  inflight = null;
  setTyping(false);
  refreshPending();
  if (isOpen() || outbox.length) {
    setStatus(T.reconnecting, "wait");
  }
}

socket.on("connect", function () {
  connection.connected = true;
  connection.generation += 1;
  inflight = null;
  if (!sessionId) {
    sessionId = newId();
  }
  socket.emit("session_request", { session_id: sessionId });
});

socket.on("session_confirm", function (data) {
  var confirmed = typeof data === "string" ? data : data && data.session_id;
  if (validSessionId(confirmed)) {
    sessionId = confirmed;
  }
  store.set("session", sessionId);
  touch();
  connection.ready = true;
  connection.everReady = true;
  refreshPending();
  if (!statusEl.hidden && statusEl.classList.contains("status-wait")) {
    setStatus(T.reconnected, "ok");
  } else {
    setStatus("");
  }
  if (cfg.initPayload && !log.length && !outbox.length && store.get("initSent", null) !== sessionId) {
    store.set("initSent", sessionId);
    socket.emit("user_uttered", { message: cfg.initPayload, session_id: sessionId, metadata: {} });
  }
  flush();
});

socket.on("bot_uttered", function (data) {
  var entry = normalizeBot(data);
  if (!entry) {
    return;
  }
  log.push(entry);
  saveLog();
  renderEntry(entry);
  scrollToLatest();
  var said = entry.text || T.image;
  if (entry.replies.length) {
    said +=
      T.announceChoices +
      entry.replies
        .map(function (r) {
          return r.title;
        })
        .join(", ");
  }
  announce(T.announceBot + said);
  if (!isOpen()) {
    badge.hidden = false;
  }
});

socket.on("disconnect", function (reason) {
  connection.connected = false;
  onDropped();
  if (reason === "io server disconnect" && !manualDisconnect) {
    // The server closed the socket; socket.io does not retry that by itself.
    clearTimeout(serverKickTimer);
    serverKickTimer = setTimeout(function () {
      socket.connect();
    }, 3000);
  }
});

socket.on("connect_error", function () {
  if (isOpen() || outbox.length) {
    setStatus(connection.everReady ? T.reconnecting : T.connecting, "wait");
  }
});

// A phone that loses its network may keep a dead socket for up to a minute: go offline at
// once so new messages wait in the outbox, and come back as soon as the browser is online.
window.addEventListener("offline", function () {
  if (socket.connected || socket.active) {
    manualDisconnect = true;
    socket.disconnect();
    onDropped();
  }
});
window.addEventListener("online", function () {
  if (!socket.connected) {
    manualDisconnect = false;
    socket.connect();
  }
});

// ---------------------------------------------------------------- start

function start() {
  document.body.appendChild(host);
  renderAll();
  input.value = str(store.get("draft", "")).slice(0, MAX_INPUT);
  detectVoice();
  if (cfg.startOpen || prefs.open) {
    openPanel(false);
  } else if (outbox.length) {
    ensureConnected(); // deliver what was typed before a reload, even with the panel closed
  }
}

if (document.body) {
  start();
} else {
  document.addEventListener("DOMContentLoaded", start);
}
