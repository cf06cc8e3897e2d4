// The WeChat page: one button puts the issue on the clipboard as text/html and text/plain at
// once, from the strings the page carries (JSON, exactly the bytes of wechat.html), never from
// the page's own DOM; the title and 阅读原文 fields copy as text; the preview switches between
// phone width and wide. Without JavaScript the buttons stay hidden and "Open the HTML" leads to
// the copy itself, to select and copy by hand.
//
// The copy event comes first: it writes the strings as they are. Chromium's asynchronous
// clipboard parses text/html in this page to sanitize it, under this page's Content Security
// Policy, which forbids the copy's inline styles (each copy would report violations); it is the
// way where the copy event is not allowed.

function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

// The copy event's clipboardData takes every type at once, byte for byte.
function copyWithEvent(types) {
  let written = false;
  const write = (event) => {
    for (const [type, value] of Object.entries(types)) event.clipboardData.setData(type, value);
    event.preventDefault();
    written = true;
  };
  document.addEventListener("copy", write, true);
  try {
    document.execCommand("copy");
  } catch {
    written = false;
  } finally {
    document.removeEventListener("copy", write, true);
  }
  return written;
}

async function copyTypes(types) {
  if (copyWithEvent(types)) return true;
  if (!navigator.clipboard || !window.ClipboardItem) return false;
  const blobs = {};
  for (const [type, value] of Object.entries(types)) blobs[type] = new Blob([value], { type });
  try {
    await navigator.clipboard.write([new ClipboardItem(blobs)]);
    return true;
  } catch {
    return false;
  }
}

function say(text) {
  const status = document.getElementById("wechat-copy-status");
  if (status) status.textContent = text;
}

function setUpCopy(button) {
  const html = readJson("wechat-copy-html");
  const text = readJson("wechat-copy-text");
  if (html === null || text === null) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    say("");
    const copied = await copyTypes({ "text/html": html, "text/plain": text });
    say(copied ? button.dataset.copied : button.dataset.failed);
  });
}

function setUpFieldCopy(button) {
  const field = document.getElementById(button.dataset.copyFrom);
  if (!field) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const copied = await copyTypes({ "text/plain": field.value });
    if (copied) {
      say(button.dataset.copied);
    } else {
      field.select(); // selected, for the keyboard's copy
      say(button.dataset.failed);
    }
  });
}

function setUpWidths(group) {
  const frame = document.querySelector("[data-preview-frame]");
  if (!frame) return;
  group.hidden = false;
  const buttons = Array.from(group.querySelectorAll("[data-preview-width]"));
  for (const button of buttons) {
    button.addEventListener("click", () => {
      for (const other of buttons) {
        const pressed = other === button;
        other.setAttribute("aria-pressed", String(pressed));
        frame.classList.toggle("wechat-frame--" + other.dataset.previewWidth, pressed);
      }
    });
  }
}

document.querySelectorAll("[data-wechat-copy]").forEach(setUpCopy);
document.querySelectorAll("[data-copy-from]").forEach(setUpFieldCopy);
document.querySelectorAll("[data-preview-widths]").forEach(setUpWidths);
