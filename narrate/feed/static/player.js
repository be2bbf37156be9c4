/* narrate's "Listen to this article" player. One file, no framework, no CDN.
 *
 * Embed:  <div data-narrate-player="https://HOST/podcast/player/NAME.json"></div>
 *         <script src="https://HOST/podcast/player/player.js" async></script>
 *
 * Each element gets a shadow root: the page's styles cannot reach the player, nor its the
 * page. Manifest URLs are relative to the manifest, which is fetched across origins with the
 * transcript: their host must send Access-Control-Allow-Origin (narrate serve does).
 */
(() => {
  'use strict';
  if (window.narratePlayer) { window.narratePlayer.scan(); return; }

  const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  const SKIP = 15;
  const CSS = `
:host { all: initial !important; display: block !important; contain: content;
  visibility: visible !important; opacity: 1 !important; }
:host([hidden]) { display: none !important; }
.np { --bg: #fff; --fg: #1b1b1b; --muted: #555; --line: #d5d5d5; --accent: #0a52c2;
  --on-accent: #fff; --mark: #fff0b3;
  display: block; box-sizing: border-box; max-width: 100%; margin: 0; padding: 14px 16px;
  background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 12px;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; text-align: left; }
@media (prefers-color-scheme: dark) {
  :host(:not([data-theme=light])) .np { --bg: #1e1f22; --fg: #ececec; --muted: #b8b8b8;
    --line: #3a3c40; --accent: #8ab4ff; --on-accent: #111; --mark: #463a00; }
}
.np * { box-sizing: border-box; }
.top { display: flex; align-items: center; gap: 12px; }
.head { min-width: 0; flex: 1; }
.label { margin: 0; font-weight: 650; font-size: 16px; }
.meta, .disclosure, .status { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
button, select { font: inherit; color: inherit; cursor: pointer; margin: 0; }
button { display: inline-flex; align-items: center; justify-content: center; gap: 4px;
  background: transparent; border: 1px solid var(--line); border-radius: 999px;
  min-height: 32px; min-width: 44px; padding: 2px 10px; font-size: 13px; }
button:hover { border-color: var(--accent); }
button:focus-visible, select:focus-visible, input:focus-visible {
  outline: 3px solid var(--accent); outline-offset: 2px; }
.play { width: 48px; height: 48px; min-width: 48px; padding: 0; border: 0;
  background: var(--accent); color: var(--on-accent); flex: none; }
.play svg { width: 22px; height: 22px; fill: currentColor; }
.seek { display: block; width: 100%; margin: 12px 0 4px; accent-color: var(--accent); }
.times { display: flex; justify-content: space-between; color: var(--muted); font-size: 13px;
  font-variant-numeric: tabular-nums; }
.controls { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; margin-top: 8px; }
.speed { display: inline-flex; align-items: center; gap: 6px; font-size: 13px; }
select { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: 3px 6px; font-size: 13px; }
.chapters { margin: 10px 0 0; padding: 0; list-style: none; display: flex; flex-direction: column;
  gap: 2px; }
.chapters button { width: 100%; justify-content: flex-start; border: 0; border-radius: 6px;
  text-align: left; padding: 4px 6px; }
.chapters button[aria-current=true] { background: var(--mark); }
.chapters .at { color: var(--muted); font-variant-numeric: tabular-nums; min-width: 3.2em; }
.transcript { margin-top: 10px; max-height: 16em; overflow-y: auto; padding: 4px 2px;
  border-top: 1px solid var(--line); scroll-behavior: smooth; }
.transcript p { margin: 8px 0; }
.transcript h3 { margin: 10px 0 4px; font-size: 15px; }
.transcript span { cursor: pointer; border-radius: 3px; }
.transcript span.now { background: var(--mark); }
.disclosure { margin-top: 10px; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  clip-path: inset(50%); white-space: nowrap; }
@media (prefers-reduced-motion: reduce) {
  .np *, .np { transition: none !important; animation: none !important;
    scroll-behavior: auto !important; }
}`;
  /* The player's words: the manifest's `labels` (narrate/languages/CODE.toml, [player]), these
   * English ones where it has none. Plural forms by Intl.PluralRules category. */
  const ENGLISH = {
    listen: 'Listen to this article', disclosure: 'This audio is created with AI assistance',
    play: 'Play', pause: 'Pause', position: 'Position', of: '{elapsed} of {total}',
    back: 'Back {seconds} seconds', forward: 'Forward {seconds} seconds', speed: 'Speed',
    chapters: 'Chapters', chapter: 'Chapter: {title}, at {time}', transcript: 'Transcript',
    loading: 'Loading the audio…', load_failed: 'The audio of this article cannot be loaded.',
    transcript_loading: 'Loading the transcript…', transcript_failed: 'The transcript cannot be loaded.',
    play_failed: 'The audio cannot be played here.', minutes_short: '{n} min',
    minute: { one: 'minute', other: 'minutes' }, second: { one: 'second', other: 'seconds' },
  };
  const wordsOf = (manifest) => {
    const own = manifest && typeof manifest.labels === 'object' && manifest.labels ? manifest.labels : {};
    let rules = null;
    try { rules = new Intl.PluralRules(String((manifest && manifest.lang) || 'en')); } catch (error) { rules = new Intl.PluralRules('en'); }
    const raw = (key) => (Object.prototype.hasOwnProperty.call(own, key) ? own[key] : ENGLISH[key]);
    const say = (key, values = {}) => String(typeof raw(key) === 'string' ? raw(key) : ENGLISH[key])
      .replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
    const count = (key, n) => {
      const forms = raw(key) && typeof raw(key) === 'object' ? raw(key) : ENGLISH[key];
      return String(forms[rules.select(n)] || forms.other || ENGLISH[key].other);
    };
    return { say, count };
  };
  const PLAY = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M8 5v14l11-7z"/></svg>';
  const PAUSE = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>';

  /* The same formats as the feed site (narrate/feed/embed.py: clock, minutes_label). */
  const clock = (seconds) => {
    const total = Math.max(0, Math.round(seconds || 0));
    const h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
    const ss = String(s).padStart(2, '0');
    return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
  };
  const minutes = (seconds, words) => words.say('minutes_short', { n: Math.max(1, Math.ceil(Math.round(seconds || 0) / 60)) });
  const spoken = (seconds, words) => {
    const total = Math.max(0, Math.round(seconds || 0));
    const m = Math.floor(total / 60), s = total % 60;
    return `${m} ${words.count('minute', m)} ${s} ${words.count('second', s)}`;
  };
  const make = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props)) {
      if (key === 'text') node.textContent = value;
      else if (key === 'html') node.innerHTML = value;
      else node.setAttribute(key, value);
    }
    node.append(...children);
    return node;
  };
  let counter = 0;
  const players = new Set();

  function mount(host) {
    if (host.narrateMounted) return;
    host.narrateMounted = true;
    const source = host.getAttribute('data-narrate-player');
    if (!source || !host.attachShadow) return;
    let manifestUrl;
    try { manifestUrl = new URL(source, document.baseURI); } catch (error) { return; }
    const root = host.attachShadow({ mode: 'open' });
    const style = make('style', { text: CSS });
    const page = wordsOf({});  // its words come with the manifest: until then, English
    const box = make('div', { class: 'np', role: 'region', 'aria-label': page.say('listen'), 'aria-busy': 'true' },
      make('p', { class: 'status', text: page.say('loading') }));
    root.append(style, box);
    fetch(manifestUrl, { credentials: 'omit' })
      .then((response) => { if (!response.ok) throw new Error(`HTTP ${response.status}`); return response.json(); })
      .then((manifest) => build(root, box, manifest, manifestUrl))
      .catch(() => {
        box.replaceChildren(make('p', { class: 'status', text: page.say('load_failed') }), make('slot'));
        box.removeAttribute('aria-busy');
      });
  }

  function build(root, box, manifest, base) {
    const id = `np${++counter}`;
    const url = (value) => (value ? new URL(value, base).href : '');
    const duration = Number(manifest.duration) || 0;
    const title = String(manifest.title || '');
    const words = wordsOf(manifest);
    const label = String(manifest.label || words.say('listen'));
    const spokenAt = (t, length) => words.say('of', { elapsed: spoken(t, words), total: spoken(length, words) });
    const audio = make('audio', { preload: 'metadata', src: url(manifest.audio && manifest.audio.url) });
    const play = make('button', { type: 'button', class: 'play', 'aria-label': `${words.say('play')}: ${label}`, html: PLAY });
    const elapsed = make('span', { class: 'elapsed', text: clock(0) });
    const total = make('span', { class: 'total', text: clock(duration) });
    const seek = make('input', {
      type: 'range', class: 'seek', min: '0', max: String(Math.max(1, Math.round(duration))), step: '1',
      value: '0', 'aria-label': words.say('position'), 'aria-valuetext': spokenAt(0, duration),
    });
    /* A short visible label and the words a screen reader says: the accessible name is the
     * words alone (the visible "−15s" is hidden from it), so no name contradicts the text. */
    const skipButton = (name, shown, said) => make('button', { type: 'button', class: name },
      make('span', { 'aria-hidden': 'true', text: shown }), make('span', { class: 'vh', text: said }));
    const back = skipButton('back', `−${SKIP}s`, words.say('back', { seconds: SKIP }));
    const ahead = skipButton('ahead', `+${SKIP}s`, words.say('forward', { seconds: SKIP }));
    const speed = make('select', { class: 'rate', id: `${id}-speed` });
    for (const rate of SPEEDS) speed.append(make('option', { value: String(rate), text: `${rate}×` }));
    speed.value = '1';
    const controls = make('div', { class: 'controls' }, back, ahead,
      make('label', { class: 'speed', for: `${id}-speed` }, words.say('speed'), speed));
    const head = make('div', { class: 'head' },
      make('p', { class: 'label', text: label }),
      make('p', { class: 'meta' }, make('span', { class: 'duration', text: minutes(duration, words) })));
    box.replaceChildren(make('div', { class: 'top' }, play, head), seek,
      make('div', { class: 'times', 'aria-hidden': 'true' }, elapsed, total), controls);
    box.setAttribute('aria-label', title ? `${label}: ${title}` : label);
    box.removeAttribute('aria-busy');

    const chapters = (Array.isArray(manifest.chapters) ? manifest.chapters : []).filter((c) => c && isFinite(c.start));
    const chapterButtons = [];
    if (chapters.length > 1) {
      const list = make('ol', { class: 'chapters' });
      for (const chapter of chapters) {
        const button = make('button', { type: 'button', 'data-start': String(chapter.start) },
          make('span', { class: 'at', text: clock(chapter.start) }), make('span', { text: String(chapter.title) }));
        button.title = words.say('chapter', { title: chapter.title, time: spoken(chapter.start, words) });
        button.addEventListener('click', () => { audio.currentTime = Number(chapter.start); show(); });
        chapterButtons.push(button);
        list.append(make('li', {}, button));
      }
      box.append(make('nav', { 'aria-label': words.say('chapters') }, list));
    }

    let transcript = null, lines = [];
    if (manifest.transcript) {
      const toggle = make('button', { type: 'button', class: 'show-transcript', 'aria-expanded': 'false', 'aria-controls': `${id}-transcript`, text: words.say('transcript') });
      transcript = make('div', { class: 'transcript', id: `${id}-transcript`, hidden: '', tabindex: '0', role: 'region', 'aria-label': words.say('transcript') });
      controls.append(toggle);
      toggle.addEventListener('click', () => {
        const open = transcript.hidden;
        transcript.hidden = !open;
        toggle.setAttribute('aria-expanded', String(open));
        if (open && !lines.length) loadTranscript(url(manifest.transcript));
      });
      box.append(transcript);
    }
    box.append(make('p', { class: 'disclosure', text: String(manifest.disclosure || words.say('disclosure')) }), audio);

    function loadTranscript(address) {
      transcript.replaceChildren(make('p', { class: 'status', text: words.say('transcript_loading') }));
      fetch(address, { credentials: 'omit' }).then((r) => { if (!r.ok) throw new Error(); return r.json(); }).then((doc) => {
        transcript.replaceChildren();
        let block = null, last = null;
        for (const segment of doc.segments || []) {
          if (segment.part === 'intro' || segment.part === 'outro') continue;
          if (!block || segment.paragraph === undefined || segment.paragraph !== last) {
            block = make(segment.part === 'heading' ? 'h3' : 'p');
            transcript.append(block);
            last = segment.paragraph;
          } else block.append(' ');
          const line = make('span', { text: String(segment.body || '') });
          line.dataset.start = segment.startTime; line.dataset.end = segment.endTime;
          line.addEventListener('click', () => { audio.currentTime = Number(segment.startTime); show(); });
          block.append(line);
          lines.push(line);
        }
        show();
      }).catch(() => transcript.replaceChildren(make('p', { class: 'status', text: words.say('transcript_failed') })));
    }

    let dragging = false, current = null;
    function show() {
      const t = audio.currentTime || 0;
      const length = isFinite(audio.duration) && audio.duration > 0 ? audio.duration : duration;
      elapsed.textContent = clock(t);
      if (!dragging) seek.value = String(Math.round(t));
      seek.setAttribute('aria-valuetext', spokenAt(t, length));
      chapterButtons.forEach((button, index) => {
        const next = chapters[index + 1];
        const on = t >= chapters[index].start && (!next || t < next.start);
        if (on) button.setAttribute('aria-current', 'true'); else button.removeAttribute('aria-current');
      });
      const now = lines.find((line) => t >= Number(line.dataset.start) && t < Number(line.dataset.end)) || null;
      if (now !== current) {
        if (current) current.classList.remove('now');
        current = now;
        if (now) now.classList.add('now');
        if (now && !transcript.hidden) {
          const top = now.offsetTop - transcript.offsetTop, view = transcript.scrollTop;
          if (top < view || top > view + transcript.clientHeight - now.offsetHeight) transcript.scrollTop = Math.max(0, top - transcript.clientHeight / 3);
        }
      }
    }
    function playing(on) {
      play.innerHTML = on ? PAUSE : PLAY;
      play.setAttribute('aria-label', `${words.say(on ? 'pause' : 'play')}: ${label}`);
    }
    const skip = (by) => {
      const length = isFinite(audio.duration) ? audio.duration : duration;
      audio.currentTime = Math.min(Math.max(0, (audio.currentTime || 0) + by), length);
      show();
    };
    play.addEventListener('click', () => { if (audio.paused) audio.play().catch(() => playing(false)); else audio.pause(); });
    back.addEventListener('click', () => skip(-SKIP));
    ahead.addEventListener('click', () => skip(SKIP));
    speed.addEventListener('change', () => { audio.playbackRate = Number(speed.value) || 1; });
    seek.addEventListener('input', () => { dragging = true; audio.currentTime = Number(seek.value); elapsed.textContent = clock(Number(seek.value)); });
    seek.addEventListener('change', () => { dragging = false; show(); });
    audio.addEventListener('play', () => { playing(true); for (const other of players) if (other !== audio) other.pause(); });
    audio.addEventListener('pause', () => playing(false));
    audio.addEventListener('ended', () => playing(false));
    audio.addEventListener('timeupdate', show);
    audio.addEventListener('seeked', show);
    audio.addEventListener('ratechange', () => { speed.value = String(audio.playbackRate); });
    audio.addEventListener('error', () => {
      playing(false);
      box.querySelector('.meta').textContent = words.say('play_failed');
    });
    box.addEventListener('keydown', (event) => {  // k, j, l as on video sites (not in the select)
      if (event.composedPath()[0] === speed || event.ctrlKey || event.metaKey || event.altKey) return;
      const by = { j: -SKIP, l: SKIP }[event.key];
      if (event.key === 'k') play.click(); else if (by) skip(by); else return;
      event.preventDefault();
    });
    players.add(audio);
    root.host.dispatchEvent(new CustomEvent('narrate-player-ready', { bubbles: true, composed: true }));
  }

  function scan() {
    for (const host of document.querySelectorAll('[data-narrate-player]')) mount(host);
  }
  window.narratePlayer = { scan, version: 1 };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', scan);
  else scan();
  if (window.MutationObserver) {
    new MutationObserver(scan).observe(document.documentElement, { childList: true, subtree: true });
  }
})();
