// The playground page: each person's chat, drawn from the local Bot API server's state, polled.
"use strict";

const TAGS = {
  bold: ["<b>", "</b>"], italic: ["<i>", "</i>"], underline: ["<u>", "</u>"], strikethrough: ["<s>", "</s>"],
  code: ["<code>", "</code>"], pre: ["<pre>", "</pre>"], spoiler: ["<span class=spoiler>", "</span>"],
  blockquote: ["<blockquote>", "</blockquote>"], expandable_blockquote: ["<blockquote>", "</blockquote>"],
};
let people = [];
const panes = new Map(); // person key -> {root, version}
const selected = [];

const escapeHtml = (text) => text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

// Telegram's entities count UTF-16 units, as JavaScript strings do.
function renderText(text, entities) {
  const opens = new Map(), closes = new Map();
  for (const e of entities || []) {
    let pair = TAGS[e.type];
    if (e.type === "text_link") pair = [`<a href="${escapeHtml(e.url)}" target="_blank" rel="noopener">`, "</a>"];
    if (!pair) continue;
    (opens.get(e.offset) || opens.set(e.offset, []).get(e.offset)).push(pair[0]);
    const end = e.offset + e.length;
    (closes.get(end) || closes.set(end, []).get(end)).unshift(pair[1]);
  }
  let html = "";
  for (let i = 0; i <= text.length; i++) {
    if (closes.has(i)) html += closes.get(i).join("");
    if (opens.has(i)) html += opens.get(i).join("");
    if (i < text.length) html += escapeHtml(text[i]);
  }
  // Telegram links bare URLs; a link that opens this bot (t.me/...?start=...) opens it as someone here.
  return html.replace(/(?<!href=")(https?:\/\/[^\s<"]+)/g, (url) => {
    const start = url.match(/^https:\/\/t\.me\/[A-Za-z0-9_]+\?start=([A-Za-z0-9_-]+)/);
    return start ? `<a href="#" data-start="${start[1]}">${url}</a>` : `<a href="${url}" target="_blank" rel="noopener">${url}</a>`;
  });
}

// A deep link: choose who opens it; they send /start with its payload.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-start]");
  if (!link) return;
  event.preventDefault();
  const pane = panes.get(link.closest(".pane").dataset.person);
  const box = pane.root.querySelector(".commands");
  box.innerHTML = "<span>Open this link as:</span>";
  for (const person of people.filter((p) => p.key !== "group")) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = person.label;
    b.onclick = async () => {
      box.hidden = true;
      await api(`/api/send/${person.key}`, { text: "/start " + link.dataset.start });
      selected.splice(0, selected.length, person.key);
      show(selected);
    };
    box.append(b);
  }
  box.hidden = false;
});

async function api(path, body, isForm) {
  const options = body === undefined ? {} : {
    method: "POST",
    body: isForm ? body : JSON.stringify(body),
    headers: isForm ? {} : { "Content-Type": "application/json" },
  };
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(await response.text());
  return response.json();
}

function toast(pane, text) {
  const box = pane.root.querySelector(".toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(box.timer);
  box.timer = setTimeout(() => { box.hidden = true; }, 3000);
}

function messageNode(person, message) {
  const node = document.createElement("div");
  node.className = "msg " + (message.from_bot ? "bot" : "mine");
  node.dataset.id = message.message_id;
  if (person.key === "group" && !message.from_bot) node.innerHTML = `<span class="who">${escapeHtml(message.from_name)}</span>`;
  let body = "";
  if (message.venue) {
    const v = message.venue;
    body = `<div class="card">📍 <b>${escapeHtml(v.title)}</b><br>${escapeHtml(v.address)}<br>` +
      `<span class="map">${v.location.latitude.toFixed(4)}, ${v.location.longitude.toFixed(4)}</span></div>`;
  } else if (message.location) {
    body = `<div class="card">📍 <span class="map">${message.location.latitude.toFixed(4)}, ${message.location.longitude.toFixed(4)}</span></div>`;
  } else if (message.contact) {
    body = `<div class="card">📱 ${escapeHtml(message.contact.phone_number)}</div>`;
  } else if (message.photo) {
    body = `<img alt="photo" src="/files/${encodeURIComponent(message.photo[0].file_id)}">`;
  } else if (message.document) {
    body = `<div class="card">📄 ${escapeHtml(message.document.file_name || message.document.file_id)}</div>`;
  }
  if (message.text !== undefined) body += renderText(message.text, message.entities);
  if (message.caption) body += "<br>" + renderText(message.caption, message.caption_entities);
  node.insertAdjacentHTML("beforeend", body);
  if (message.edit_date) node.insertAdjacentHTML("beforeend", `<span class="edited">edited</span>`);
  if (message.inline_keyboard.length) {
    const grid = document.createElement("div");
    grid.className = "inline";
    for (const row of message.inline_keyboard) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = button.text;
        if (button.url) b.onclick = () => window.open(button.url, "_blank", "noopener");
        else b.onclick = async () => {
          const answer = await api(`/api/click/${person.key}`, { message_id: message.message_id, data: button.callback_data });
          if (answer.text) toast(panes.get(person.key), answer.text);
        };
        line.append(b);
      }
      grid.append(line);
    }
    node.append(grid);
  }
  return node;
}

function renderKeyboard(person, pane, keyboard) {
  const box = pane.root.querySelector(".keyboard");
  box.innerHTML = "";
  if (!keyboard || !keyboard.keyboard) return;
  for (const row of keyboard.keyboard) {
    const line = document.createElement("div");
    line.className = "row";
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.text;
      b.onclick = () => {
        if (button.request_location) pane.root.querySelector(".location-picker").hidden = false;
        else if (button.request_contact) api(`/api/contact/${person.key}`, {});
        else api(`/api/send/${person.key}`, { text: button.text });
      };
      line.append(b);
    }
    box.append(line);
  }
}

function renderCommands(person, pane, commands) {
  const box = pane.root.querySelector(".commands");
  box.innerHTML = "";
  for (const command of commands) {
    const b = document.createElement("button");
    b.type = "button";
    b.innerHTML = `<b>/${escapeHtml(command.command)}</b> ${escapeHtml(command.description)}`;
    b.onclick = () => { box.hidden = true; api(`/api/send/${person.key}`, { text: "/" + command.command }); };
    box.append(b);
  }
}

async function refresh(person) {
  const pane = panes.get(person.key);
  if (!pane) return;
  const state = await api(`/api/chat/${person.key}`);
  if (state.version === pane.version) return;
  const fresh = pane.version === -1; // just shown: start at the newest message
  pane.version = state.version;
  const list = pane.root.querySelector(".messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const kept = list.scrollTop;
  list.innerHTML = "";
  for (const message of state.messages) list.append(messageNode(person, message));
  list.scrollTop = kept;
  renderKeyboard(person, pane, person.key === "group" ? null : state.keyboard);
  renderCommands(person, pane, state.commands);
  if (atBottom || fresh) list.scrollTop = list.scrollHeight;
}

async function createPane(person) {
  const root = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
  root.dataset.person = person.key;
  root.querySelector(".pane-title").textContent = person.label;
  const pane = { root, version: -1 };
  panes.set(person.key, pane);
  const form = root.querySelector(".composer");
  const input = root.querySelector(".text");
  form.onsubmit = async (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await api(`/api/send/${person.key}`, { text });
  };
  root.querySelector(".menu").onclick = () => { const c = root.querySelector(".commands"); c.hidden = !c.hidden; };
  root.querySelector(".file").onchange = async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("file", file);
    form.append("caption", input.value.trim());
    input.value = "";
    await api(`/api/upload/${person.key}`, form, true);
    event.target.value = "";
  };
  const picker = root.querySelector(".location-picker");
  const select = root.querySelector(".city");
  for (const place of await api("/api/places")) {
    const option = document.createElement("option");
    option.value = `${place.latitude},${place.longitude}`;
    option.textContent = place.name;
    select.append(option);
  }
  const share = async (latitude, longitude) => {
    picker.hidden = true;
    await api(`/api/location/${person.key}`, { latitude, longitude });
  };
  root.querySelector(".send-city").onclick = () => share(...select.value.split(",").map(Number));
  root.querySelector(".send-coords").onclick = () => share(Number(root.querySelector(".lat").value), Number(root.querySelector(".lon").value));
  root.querySelector(".close-picker").onclick = () => { picker.hidden = true; };
  return pane;
}

async function show(keys) {
  const main = document.getElementById("panes");
  main.innerHTML = "";
  main.classList.toggle("split", keys.length > 1);
  for (const key of keys) {
    const person = people.find((p) => p.key === key);
    const pane = panes.get(key) || await createPane(person);
    pane.version = -1;
    main.append(pane.root);
    await refresh(person);
  }
  for (const button of document.querySelectorAll("nav button")) {
    button.classList.toggle("active", keys.includes(button.dataset.person));
  }
}

async function start() {
  people = await api("/api/people");
  const nav = document.getElementById("people");
  for (const person of people) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.person = person.key;
    button.textContent = person.label;
    button.title = "Click: open. Shift+click: side by side.";
    button.onclick = (event) => {
      if (event.shiftKey && !selected.includes(person.key)) selected.splice(1, 1, person.key);
      else selected.splice(0, selected.length, person.key);
      show(selected);
    };
    nav.append(button);
  }
  const wanted = new URLSearchParams(location.search).getAll("person").filter((k) => people.some((p) => p.key === k));
  selected.push(...(wanted.length ? wanted.slice(0, 2) : [people[0].key]));
  await show(selected);
  setInterval(() => selected.forEach((key) => refresh(people.find((p) => p.key === key)).catch(() => {})), 700);
}

start();
