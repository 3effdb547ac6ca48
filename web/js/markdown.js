// A small, safe Markdown subset for slide bodies: headings (#, ##, ###), paragraphs, bullet and
// numbered lists, **bold**, *italic* and `code`. It builds DOM nodes; text never becomes HTML,
// so a slide cannot inject markup or script. Links are shown as text.
import { h } from './dom.js';

function inline(text) {
  const out = [];
  const pattern = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    const token = m[0];
    if (token.startsWith('**')) out.push(h('strong', null, token.slice(2, -2)));
    else if (token.startsWith('`')) out.push(h('code', null, token.slice(1, -1)));
    else out.push(h('em', null, token.slice(1, -1)));
    last = m.index + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function renderMarkdown(source) {
  const root = h('div', { class: 'md' });
  let list = null;
  let paragraph = [];
  const flush = () => {
    if (paragraph.length) root.append(h('p', null, inline(paragraph.join(' '))));
    paragraph = [];
  };
  for (const raw of String(source || '').split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = line.match(/^(#{1,3})\s+(.*)$/);
    const bullet = line.match(/^\s*[-*]\s+(.*)$/);
    const numbered = line.match(/^\s*\d+[.)]\s+(.*)$/);
    if (heading) {
      flush();
      list = null;
      root.append(h(`h${heading[1].length + 2}`, null, inline(heading[2])));
    } else if (bullet || numbered) {
      flush();
      const tag = bullet ? 'ul' : 'ol';
      if (!list || list.tagName.toLowerCase() !== tag) {
        list = h(tag);
        root.append(list);
      }
      list.append(h('li', null, inline((bullet || numbered)[1])));
    } else if (!line.trim()) {
      flush();
      list = null;
    } else {
      list = null;
      paragraph.push(line.trim());
    }
  }
  flush();
  return root;
}
