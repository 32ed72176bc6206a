/**
 * E-mail templates: one Handlebars file per template and language under
 * templates/, each wrapped in the shared layout and defining its subject as
 * an inline partial. The plain-text part is derived from the HTML.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { convert } from 'html-to-text';
import type { NotificationTemplate, ScheduledMailTemplate } from '../../contracts/activities';
import type { Language } from '../../contracts/request';

const TEMPLATE_DIR = path.join(__dirname, 'templates');

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const engine = Handlebars.create();
engine.registerPartial('layout', readFileSync(path.join(TEMPLATE_DIR, 'layout.html.hbs'), 'utf8'));
// The scheduled work's mails are about no one request: their footer names the period instead.
engine.registerPartial('report-layout', readFileSync(path.join(TEMPLATE_DIR, 'report-layout.html.hbs'), 'utf8'));
// `{{#if (eq by "customer")}}`: strict mode does not check a helper's arguments, so `eq` does.
engine.registerHelper('eq', (a: unknown, b: unknown) => {
  if (a === undefined || b === undefined) throw new Error('eq: a value the template compares is missing from the context');
  return a === b;
});

// `{{#if (present x)}}`: a null field is left out, a field missing from the context is a bug.
engine.registerHelper('present', (value: unknown) => {
  if (value === undefined) throw new Error('present: a value the template shows is missing from the context');
  return value !== null;
});
// `{{#if (nonEmpty list)}}`: a list with something in it; a missing list is a bug.
engine.registerHelper('nonEmpty', (value: unknown) => {
  if (!Array.isArray(value)) throw new Error('nonEmpty: a list the template shows is missing from the context');
  return value.length > 0;
});
// `{{lines text}}`: free text as written (escaped), its line breaks kept.
engine.registerHelper('lines', (value: unknown) => {
  if (typeof value !== 'string') throw new Error('lines: a text the template shows is missing from the context');
  return new Handlebars.SafeString(Handlebars.escapeExpression(value).replace(/\r?\n/g, '<br>'));
});

const compiled = new Map<string, Handlebars.TemplateDelegate>();

function template(name: NotificationTemplate | ScheduledMailTemplate, language: Language): Handlebars.TemplateDelegate {
  const key = `${name}.${language}`;
  let delegate = compiled.get(key);
  if (!delegate) {
    const source = readFileSync(path.join(TEMPLATE_DIR, `${key}.html.hbs`), 'utf8');
    delegate = engine.compile(source, { strict: true });
    compiled.set(key, delegate);
  }
  return delegate;
}

export function renderEmail(name: NotificationTemplate | ScheduledMailTemplate, language: Language, context: object): RenderedEmail {
  const html = template(name, language)({ ...context, language });
  const title = /<title>([\s\S]*?)<\/title>/.exec(html)?.[1] ?? '';
  const subject = convert(title, { wordwrap: false }).trim();
  const body = html.replace(/<head>[\s\S]*?<\/head>/, '');
  return { subject, html, text: convert(body, { wordwrap: 78 }) };
}
