// LINE simulator chat page: plain DOM, polls the JSON API once a second.
// Everything the bot sent is rendered with textContent / attributes, never innerHTML.
"use strict";

const API = "/sim/api";
const POLL_MS = 1000;
const state = {
  users: [],
  channels: [],
  userId: localStorage.getItem("sim.userId") || null,
  seq: 0,
  items: [],
  statusByEvent: {},
  richMenu: null,
  richMenuKey: "",
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "style") Object.assign(node.style, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children || []) if (child) node.appendChild(child);
  return node;
}

async function api(method, path, body) {
  const options = { method, headers: {} };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(API + path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.message || response.status), { status: response.status });
  return data;
}

// ---------------------------------------------------------------------------------------
// Users

async function refreshUsers() {
  const data = await api("GET", "/users");
  state.users = data.users;
  const list = $("user-list");
  list.replaceChildren();
  for (const user of state.users) {
    const li = el("li", { class: user.userId === state.userId ? "active" : "", onclick: () => selectUser(user.userId) }, [
      el("div", {}, [
        el("div", { text: user.name + channelSuffix(user) }),
        el("div", { class: "id", text: user.userId.slice(0, 12) + "…" + (user.followed === true ? " · เพื่อน" : user.followed === false ? " · บล็อก" : "") }),
      ]),
    ]);
    list.appendChild(li);
  }
  if (state.userId && !state.users.some((u) => u.userId === state.userId)) selectUser(null);
  updateHeader();
}

// Channels: with more than one, a new user is a friend of the one picked, and each user's
// channel is named beside it; with only the default channel the page looks as it always did.

function channelSuffix(user) {
  if (state.channels.length < 2) return "";
  const channel = state.channels.find((c) => c.id === user.channel);
  return " · " + ((channel && channel.name) || user.channel);
}

async function refreshChannels() {
  const data = await api("GET", "/channels");
  state.channels = data.channels;
  const select = $("new-user-channel");
  const picked = select.value;
  select.replaceChildren(...state.channels.map((c) => el("option", { value: c.id, text: c.name || c.id })));
  if (state.channels.some((c) => c.id === picked)) select.value = picked;
  select.hidden = state.channels.length < 2;
  updateWebhookInfo();
}

function updateWebhookInfo() {
  const user = currentUser();
  const id = user ? user.channel : "default";
  const channel = state.channels.find((c) => c.id === id);
  if (channel) $("webhook-info").textContent = "webhook → " + channel.webhookUrl;
}

function currentUser() {
  return state.users.find((u) => u.userId === state.userId) || null;
}

function selectUser(userId) {
  state.userId = userId;
  if (userId) localStorage.setItem("sim.userId", userId);
  else localStorage.removeItem("sim.userId");
  state.seq = 0;
  state.items = [];
  $("messages").replaceChildren();
  $("quick-replies").replaceChildren();
  for (const li of $("user-list").children) li.classList.remove("active");
  updateHeader();
  refreshUsers().then(poll).then(refreshRichMenu).catch(console.error);
}

function updateHeader() {
  const user = currentUser();
  $("chat-title").textContent = user ? `${user.name} · ${user.userId}` : "เลือกหรือเพิ่มผู้ใช้ทางซ้าย";
  $("follow-btn").hidden = !user || user.followed === true;
  $("unfollow-btn").hidden = !user || user.followed !== true;
  $("send-text").disabled = !user;
  $("send-btn").disabled = !user;
  updateWebhookInfo();
}

// ---------------------------------------------------------------------------------------
// Sending as the user

async function sendAs(path, body) {
  if (!state.userId) return;
  try {
    const result = await api("POST", `/users/${state.userId}/${path}`, body);
    state.statusByEvent[result.eventId] = result.status;
    const meta = document.querySelector(`[data-event-id="${result.eventId}"]`);
    if (meta) markStatus(meta, result.status);
  } catch (err) {
    alert("ส่งไม่สำเร็จ: " + err.message);
  }
  await refreshUsers();
  await poll();
}

const sendText = (text) => sendAs("text", { text });
const sendPostback = (data, displayText, params) => sendAs("postback", { data, displayText, params });

function doAction(action) {
  if (!action) return;
  switch (action.type) {
    case "message":
      return sendText(action.text || action.label || "");
    case "postback":
      return sendPostback(action.data || "", action.displayText || action.text || null);
    case "uri": {
      const uri = action.uri || (action.altUri && action.altUri.desktop) || "";
      if (/^(https?|tel|mailto|line):/i.test(uri)) window.open(uri, "_blank", "noopener");
      else alert("ลิงก์ไม่ถูกต้อง: " + uri);
      return;
    }
    case "datetimepicker": {
      const mode = action.mode || "datetime";
      const hint = { date: "YYYY-MM-DD", time: "HH:mm", datetime: "YYYY-MM-DDTHH:mm" }[mode];
      const value = prompt(`เลือก ${mode} (${hint})`, action.initial || "");
      if (value) return sendPostback(action.data || "", null, { [mode]: value });
      return;
    }
    case "richmenuswitch":
      return sendPostback(action.data || "", null, { newRichMenuAliasId: action.richMenuAliasId || "", status: "SUCCESS" });
    case "clipboard":
      if (navigator.clipboard) navigator.clipboard.writeText(action.clipboardText || "");
      return;
    default:
      alert(`การกระทำแบบ "${action.type}" ไม่รองรับในโปรแกรมจำลอง`);
  }
}

// ---------------------------------------------------------------------------------------
// Polling and the conversation

async function poll() {
  if (!state.userId) return;
  let data;
  try {
    data = await api("GET", `/users/${state.userId}/conversation?since=${state.seq}`);
  } catch (err) {
    if (err.status === 404) selectUser(null); // reset or unknown user
    return;
  }
  $("typing").hidden = !data.loading;
  if (data.seq < state.seq) { // the simulator was reset
    selectUser(state.userId);
    return;
  }
  for (const item of data.items) {
    if (item.seq <= state.seq) continue;
    state.items.push(item);
    $("messages").appendChild(renderItem(item));
    state.seq = item.seq;
  }
  if (data.items.length) {
    const box = $("messages");
    box.scrollTop = box.scrollHeight;
  }
  renderQuickReplies();
}

function timeOf(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString("th-TH", { hour: "2-digit", minute: "2-digit" });
}

function renderItem(item) {
  if (item.from === "bot") {
    return el("div", { class: "row bot" }, [
      renderMessage(item.message),
      el("div", { class: "meta", text: `${item.via} · ${timeOf(item.time)}` }),
    ]);
  }
  const event = item.event;
  const status = item.status ?? state.statusByEvent[event.webhookEventId];
  const meta = el("div", { class: "meta", "data-event-id": event.webhookEventId }, [
    document.createTextNode(timeOf(item.time)),
    el("button", { type: "button", title: "ส่ง event นี้ซ้ำ (redelivery)", text: "↻", onclick: () => redeliver(event.webhookEventId) }),
  ]);
  markStatus(meta, status);
  let content;
  if (event.type === "message" && event.message.type === "text") {
    content = el("div", { class: "bubble", text: event.message.text });
  } else if (event.type === "message") {
    content = el("div", { class: "bubble", text: `[${event.message.type}]` });
  } else if (event.type === "postback" && item.displayText) {
    content = el("div", { class: "bubble", text: item.displayText });
  } else if (event.type === "postback") {
    content = el("div", { class: "system-line", text: "postback: " + event.postback.data });
  } else if (event.type === "follow") {
    content = el("div", { class: "system-line", text: "เพิ่มบอทเป็นเพื่อนแล้ว (follow)" });
  } else if (event.type === "unfollow") {
    content = el("div", { class: "system-line", text: "บล็อกบอทแล้ว (unfollow)" });
  } else {
    content = el("div", { class: "system-line", text: event.type });
  }
  const side = event.type === "message" || (event.type === "postback" && item.displayText) ? "user" : "system";
  return el("div", { class: "row " + side }, [content, meta]);
}

function markStatus(meta, status) {
  // A webhook the bot did not accept is worth seeing; 2xx stays quiet.
  if (status === null || status === undefined || (status >= 200 && status < 300)) return;
  if (meta.querySelector(".warn")) return;
  meta.appendChild(el("span", { class: "warn", text: status === 0 ? "ติดต่อบอทไม่ได้" : `บอทตอบ HTTP ${status}` }));
}

async function redeliver(eventId) {
  try {
    const result = await api("POST", `/events/${eventId}/redeliver`);
    if (result.status !== 200) alert(`ส่งซ้ำแล้ว บอทตอบ HTTP ${result.status}`);
  } catch (err) {
    alert("ส่งซ้ำไม่สำเร็จ: " + err.message);
  }
  await poll();
}

function renderQuickReplies() {
  const box = $("quick-replies");
  box.replaceChildren();
  const last = state.items[state.items.length - 1];
  // As in LINE: only the latest message's quick replies, until the user does something.
  if (!last || last.from !== "bot" || !last.message.quickReply) return;
  for (const item of last.message.quickReply.items || []) {
    const action = item.action || {};
    box.appendChild(el("button", { type: "button", class: "chip", onclick: () => doAction(action) }, [
      item.imageUrl ? el("img", { src: item.imageUrl, alt: "" }) : null,
      document.createTextNode(action.label || action.text || action.type),
    ]));
  }
}

// ---------------------------------------------------------------------------------------
// Messages

function renderMessage(message) {
  switch (message.type) {
    case "text":
    case "textV2":
      return el("div", { class: "bubble", text: message.text });
    case "image":
      return el("a", { class: "msg-image", href: message.originalContentUrl, target: "_blank", rel: "noopener" }, [
        el("img", { src: message.previewImageUrl || message.originalContentUrl, alt: "รูปภาพ" }),
      ]);
    case "video":
      return el("a", { class: "bubble", href: message.originalContentUrl, target: "_blank", rel: "noopener", text: "▶ วิดีโอ" });
    case "audio":
      return el("a", { class: "bubble", href: message.originalContentUrl, target: "_blank", rel: "noopener", text: "♪ เสียง" });
    case "location":
      return el("a", {
        class: "bubble", target: "_blank", rel: "noopener",
        href: `https://www.openstreetmap.org/?mlat=${message.latitude}&mlon=${message.longitude}`,
        text: `📍 ${message.title}\n${message.address}`,
      });
    case "sticker":
      return el("div", { class: "bubble", text: `[สติกเกอร์ ${message.packageId}/${message.stickerId}]` });
    case "imagemap":
      return renderImagemap(message);
    case "template":
      return renderTemplate(message.template, message.altText);
    case "flex":
      return renderFlexContainer(message.contents);
    default:
      return el("div", { class: "bubble", text: `[${message.type}] ${message.altText || ""}` });
  }
}

function renderImagemap(message) {
  const actions = (message.actions || []).map((a) =>
    el("button", { type: "button", onclick: () => doAction(a.type === "uri" ? { type: "uri", uri: a.linkUri } : a), text: a.label || a.text || a.linkUri || a.type }));
  return el("div", { class: "tp-card" }, [
    el("img", { src: message.baseUrl + "/1040", alt: message.altText }),
    el("div", { class: "tp-text", text: message.altText }),
    el("div", { class: "tp-actions" }, actions),
  ]);
}

function actionButtons(actions, row) {
  return el("div", { class: "tp-actions" + (row ? " row-actions" : "") },
    (actions || []).map((a) => el("button", { type: "button", text: a.label || a.type, onclick: () => doAction(a) })));
}

function templateCard(column) {
  const ratio = column.imageAspectRatio === "square" ? "1 / 1" : "1.51 / 1";
  const card = el("div", { class: "tp-card" + (column.defaultAction ? " fx-clickable" : "") }, [
    column.thumbnailImageUrl ? el("img", {
      src: column.thumbnailImageUrl, alt: "",
      style: { aspectRatio: ratio, objectFit: column.imageSize === "contain" ? "contain" : "cover", background: column.imageBackgroundColor || "#fff" },
    }) : null,
    column.title ? el("div", { class: "tp-title", text: column.title }) : null,
    el("div", { class: "tp-text", text: column.text || "" }),
    actionButtons(column.actions),
  ]);
  if (column.defaultAction) card.firstChild && card.firstChild.addEventListener("click", () => doAction(column.defaultAction));
  return card;
}

function renderTemplate(template, altText) {
  switch (template.type) {
    case "buttons":
      return templateCard(template);
    case "confirm":
      return el("div", { class: "tp-card" }, [el("div", { class: "tp-text", text: template.text }), actionButtons(template.actions, true)]);
    case "carousel":
      return el("div", { class: "fx-carousel" }, (template.columns || []).map(templateCard));
    case "image_carousel":
      return el("div", { class: "fx-carousel" }, (template.columns || []).map((c) =>
        el("div", { class: "tp-card", style: { width: "160px" } }, [
          el("img", { src: c.imageUrl, alt: "", class: "fx-clickable", style: { aspectRatio: "1 / 1" }, onclick: () => doAction(c.action) }),
          actionButtons([c.action]),
        ])));
    default:
      return el("div", { class: "bubble", text: altText || template.type });
  }
}

// ---------------------------------------------------------------------------------------
// Flex Message (https://developers.line.biz/en/docs/messaging-api/flex-message-layout/)

const TEXT_SIZES = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
const IMAGE_SIZES = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 220 };
const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const RADIUS = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
const BORDER = { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 };
const BUBBLE_WIDTH = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260, mega: 300, giga: 386 };
const ALIGN = { start: "flex-start", end: "flex-end", center: "center", top: "flex-start", bottom: "flex-end" };

function len(value, table) {
  if (value === undefined || value === null) return null;
  if (table && value in table) return table[value] + "px";
  return String(value); // "10px", "25%"
}

function clickable(node, action) {
  if (!action) return node;
  node.classList.add("fx-clickable");
  node.title = action.label || "";
  node.addEventListener("click", (e) => { e.stopPropagation(); doAction(action); });
  return node;
}

function renderFlexContainer(container) {
  if (!container) return el("div", { class: "bubble", text: "[flex]" });
  if (container.type === "carousel") {
    return el("div", { class: "fx-carousel" }, (container.contents || []).map(renderBubble));
  }
  return renderBubble(container);
}

function renderBubble(bubble) {
  const styles = bubble.styles || {};
  const node = el("div", { class: "fx-bubble", style: { width: (BUBBLE_WIDTH[bubble.size] || 300) + "px" } });
  if (bubble.direction === "rtl") node.dir = "rtl";
  for (const part of ["header", "hero", "body", "footer"]) {
    const content = bubble[part];
    if (!content) continue;
    const style = styles[part] || {};
    const block = el("div", { class: "fx-block" + (style.separator ? " fx-sep" : ""), style: { backgroundColor: style.backgroundColor || null } });
    if (style.separator && style.separatorColor) block.style.borderTopColor = style.separatorColor;
    const padded = part !== "hero";
    const child = renderComponent(content, "vertical");
    if (padded && content.type === "box" && !hasPadding(content)) child.style.padding = "16px";
    block.appendChild(child);
    node.appendChild(block);
  }
  return clickable(node, bubble.action);
}

function hasPadding(box) {
  return ["paddingAll", "paddingTop", "paddingBottom", "paddingStart", "paddingEnd"].some((k) => box[k] !== undefined);
}

function renderComponent(c, parentLayout) {
  let node;
  switch (c.type) {
    case "box": node = renderBox(c); break;
    case "text": node = renderText(c); break;
    case "button": node = renderButton(c); break;
    case "image": node = renderImage(c); break;
    case "icon": node = el("img", { src: c.url, alt: "", style: { width: len(c.size || "md", TEXT_SIZES), height: len(c.size || "md", TEXT_SIZES) } }); break;
    case "separator": node = renderSeparator(c, parentLayout); break;
    case "filler": case "spacer": node = el("div", {}); break;
    case "video": node = c.altContent ? renderComponent(c.altContent, parentLayout) : el("div", { text: "▶ video" }); break;
    default: node = el("div", { text: `[${c.type}]` });
  }
  applyChildLayout(node, c, parentLayout);
  return node;
}

function applyChildLayout(node, c, parentLayout) {
  const horizontal = parentLayout === "horizontal" || parentLayout === "baseline";
  // LINE's default flex: 1 for children of horizontal boxes, 0 in vertical ones.
  let flex = c.flex !== undefined ? c.flex : horizontal && !["separator", "icon"].includes(c.type) ? 1 : 0;
  if (c.type === "filler") flex = c.flex !== undefined ? c.flex : 1;
  if (c.width || (horizontal && c.type === "image" && c.size && !/%$/.test(c.size))) flex = c.width ? 0 : flex;
  node.style.flex = flex > 0 ? `${flex} 1 0%` : "0 0 auto";
  if (c.margin !== undefined) {
    const m = len(c.margin, SPACING);
    if (horizontal) node.style.marginInlineStart = m; else node.style.marginTop = m;
  }
  if (c.gravity && horizontal) node.style.alignSelf = ALIGN[c.gravity];
  if (c.position === "absolute") {
    node.style.position = "absolute";
    if (c.offsetTop !== undefined) node.style.top = len(c.offsetTop, SPACING);
    if (c.offsetBottom !== undefined) node.style.bottom = len(c.offsetBottom, SPACING);
    if (c.offsetStart !== undefined) node.style.insetInlineStart = len(c.offsetStart, SPACING);
    if (c.offsetEnd !== undefined) node.style.insetInlineEnd = len(c.offsetEnd, SPACING);
  } else if (c.position === "relative" || c.offsetTop || c.offsetStart) {
    node.style.position = "relative";
    if (c.offsetTop !== undefined) node.style.top = len(c.offsetTop, SPACING);
    if (c.offsetStart !== undefined) node.style.insetInlineStart = len(c.offsetStart, SPACING);
  }
}

function renderBox(box) {
  const layout = box.layout || "vertical";
  const node = el("div", { class: "fx-box" });
  const s = node.style;
  s.flexDirection = layout === "vertical" ? "column" : "row";
  if (layout === "baseline") s.alignItems = "baseline";
  if (box.backgroundColor) s.backgroundColor = box.backgroundColor;
  if (box.background && box.background.type === "linearGradient") {
    const b = box.background;
    const stops = b.centerColor ? [b.startColor, `${b.centerColor} ${b.centerPosition || "50%"}`, b.endColor] : [b.startColor, b.endColor];
    s.backgroundImage = `linear-gradient(${b.angle || "0deg"}, ${stops.join(", ")})`;
  }
  if (box.borderWidth) s.border = `${len(box.borderWidth, BORDER)} solid ${box.borderColor || "#000"}`;
  if (box.cornerRadius) { s.borderRadius = len(box.cornerRadius, RADIUS); s.overflow = "hidden"; }
  for (const key of ["width", "height", "maxWidth", "maxHeight"]) if (box[key]) s[key] = box[key];
  if (box.spacing) s.gap = len(box.spacing, SPACING);
  if (box.paddingAll !== undefined) s.padding = len(box.paddingAll, SPACING);
  if (box.paddingTop !== undefined) s.paddingTop = len(box.paddingTop, SPACING);
  if (box.paddingBottom !== undefined) s.paddingBottom = len(box.paddingBottom, SPACING);
  if (box.paddingStart !== undefined) s.paddingInlineStart = len(box.paddingStart, SPACING);
  if (box.paddingEnd !== undefined) s.paddingInlineEnd = len(box.paddingEnd, SPACING);
  if (box.justifyContent) s.justifyContent = box.justifyContent;
  if (box.alignItems) s.alignItems = box.alignItems;
  for (const child of box.contents || []) node.appendChild(renderComponent(child, layout));
  return clickable(node, box.action);
}

function textStyle(node, t) {
  const s = node.style;
  if (t.size) s.fontSize = len(t.size, TEXT_SIZES);
  if (t.weight === "bold") s.fontWeight = "bold";
  if (t.color) s.color = t.color;
  if (t.style === "italic") s.fontStyle = "italic";
  if (t.decoration && t.decoration !== "none") s.textDecoration = t.decoration;
}

function renderText(t) {
  const node = el("div", { class: "fx-text " + (t.wrap ? "fx-wrap" : "fx-nowrap") });
  node.style.fontSize = "16px";
  textStyle(node, t);
  if (t.align) node.style.textAlign = t.align === "end" ? "end" : t.align === "center" ? "center" : "start";
  if (t.lineSpacing) node.style.lineHeight = `calc(1.4em + ${t.lineSpacing})`;
  if (t.wrap && t.maxLines) {
    Object.assign(node.style, { display: "-webkit-box", webkitBoxOrient: "vertical", webkitLineClamp: String(t.maxLines), overflow: "hidden" });
  }
  if (t.contents && t.contents.length) {
    for (const span of t.contents) {
      const sn = el("span", { text: span.text || "" });
      textStyle(sn, span);
      node.appendChild(sn);
    }
  } else {
    node.textContent = t.text || "";
  }
  return clickable(node, t.action);
}

function renderButton(b) {
  const style = b.style || "link";
  const action = b.action || {};
  const node = el("button", { type: "button", class: `fx-button ${style}` + (b.height === "sm" ? " sm" : ""), text: action.label || "" });
  if (b.color) {
    if (style === "link") node.style.color = b.color;
    else node.style.backgroundColor = b.color;
  }
  node.addEventListener("click", () => doAction(action));
  return node;
}

function renderImage(img) {
  const node = el("div", { class: "fx-image", style: { justifyContent: ALIGN[img.align || "center"] } });
  const size = img.size || "md";
  const image = el("img", { src: img.url, alt: "" });
  image.style.width = size === "full" ? "100%" : len(size, IMAGE_SIZES);
  if (img.aspectRatio) {
    const [w, h] = img.aspectRatio.split(":");
    image.style.aspectRatio = `${w} / ${h}`;
    image.style.objectFit = img.aspectMode === "cover" ? "cover" : "contain";
  }
  if (img.backgroundColor) image.style.backgroundColor = img.backgroundColor;
  node.appendChild(image);
  return clickable(node, img.action);
}

function renderSeparator(sep, parentLayout) {
  const color = sep.color || "#e5e7eb";
  const vertical = parentLayout === "horizontal" || parentLayout === "baseline";
  return el("div", {
    class: "fx-separator",
    style: vertical ? { width: "1px", backgroundColor: color } : { height: "1px", backgroundColor: color },
  });
}

// ---------------------------------------------------------------------------------------
// Rich menu (the default one the bot set)

async function refreshRichMenu() {
  const user = currentUser();
  const data = await api("GET", "/richmenu?channel=" + encodeURIComponent(user ? user.channel : "default"));
  const menu = data.richMenu;
  const key = menu ? menu.richMenuId + (data.image || "") : "";
  if (key === state.richMenuKey) return;
  state.richMenuKey = key;
  $("rich-menu").hidden = !menu;
  if (!menu) return;
  $("rich-menu-bar").textContent = (menu.chatBarText || "เมนู") + " ▾";
  const panel = $("rich-menu-panel");
  panel.replaceChildren();
  panel.hidden = !menu.selected;
  panel.style.aspectRatio = `${menu.size.width} / ${menu.size.height}`;
  if (data.image) panel.appendChild(el("img", { src: data.image, alt: menu.name || "" }));
  for (const area of menu.areas || []) {
    const b = area.bounds;
    panel.appendChild(el("button", {
      type: "button", class: "rich-menu-area", title: (area.action && area.action.label) || "",
      text: data.image ? "" : (area.action && (area.action.label || area.action.text || area.action.data)) || "",
      style: {
        left: (100 * b.x / menu.size.width) + "%", top: (100 * b.y / menu.size.height) + "%",
        width: (100 * b.width / menu.size.width) + "%", height: (100 * b.height / menu.size.height) + "%",
      },
      onclick: () => doAction(area.action),
    }));
  }
}

// ---------------------------------------------------------------------------------------
// Wiring

$("new-user-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const name = $("new-user-name").value.trim();
  if (!name) return;
  const body = { name };
  if (state.channels.length > 1) body.channel = $("new-user-channel").value;
  const user = await api("POST", "/users", body);
  $("new-user-name").value = "";
  selectUser(user.userId);
});

$("send-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = $("send-text");
  const text = input.value;
  if (!text.trim()) return;
  input.value = "";
  sendText(text);
});

$("follow-btn").addEventListener("click", () => sendAs("follow"));
$("unfollow-btn").addEventListener("click", () => sendAs("unfollow"));
$("rich-menu-bar").addEventListener("click", () => { $("rich-menu-panel").hidden = !$("rich-menu-panel").hidden; });

refreshChannels().catch(() => {});

let ticks = 0;
async function tick() {
  try {
    if (ticks % 3 === 0) await refreshUsers();
    if (ticks % 10 === 0) await refreshChannels();
    if (ticks % 5 === 0) await refreshRichMenu();
    await poll();
  } catch (err) {
    console.error(err);
  }
  ticks += 1;
  setTimeout(tick, POLL_MS);
}
refreshUsers().then(() => selectUser(state.userId)).catch(console.error).finally(tick);
