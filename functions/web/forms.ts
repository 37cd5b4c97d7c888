import type { FieldIssue } from '../core/errors';
import { type Html, html } from './html';

/**
 * Accessible form parts (WCAG 2.1 AA): every field has a label; an invalid form gets an error summary that
 * links to each field, a message at the field (aria-describedby) and keeps the values entered.
 */

export const issueFor = (issues: readonly FieldIssue[], field: string): FieldIssue | undefined =>
  issues.find((issue) => issue.field === field || issue.field.startsWith(`${field}.`));

export const errorSummary = (issues: readonly FieldIssue[], labels: Record<string, string>): Html | '' =>
  issues.length === 0
    ? ''
    : html`<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">Controleer het formulier</h2>
<ul>${issues.map(
        (issue) =>
          html`<li><a href="#${issue.field.split('.')[0] ?? issue.field}">${labels[issue.field.split('.')[0] ?? ''] ?? issue.field}: ${issue.message}</a></li>`,
      )}</ul>
</div>`;

const fieldError = (name: string, issue: FieldIssue | undefined) =>
  issue ? html`<p class="field-error" id="${name}-error">${issue.message}</p>` : '';

export interface TextFieldInput {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly type?: 'text' | 'email';
  readonly autocomplete?: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly maxLength?: number;
  readonly issue?: FieldIssue;
}

export const textField = (field: TextFieldInput): Html => {
  const describedBy = [field.hint ? `${field.name}-hint` : '', field.issue ? `${field.name}-error` : '']
    .filter(Boolean)
    .join(' ');
  return html`<div class="field">
<label for="${field.name}">${field.label}${field.required ? '' : ' (niet verplicht)'}</label>
${field.hint ? html`<p class="hint" id="${field.name}-hint">${field.hint}</p>` : ''}
${fieldError(field.name, field.issue)}
<input id="${field.name}" name="${field.name}" type="${field.type ?? 'text'}" value="${field.value}"${
    field.autocomplete ? html` autocomplete="${field.autocomplete}"` : ''
  }${field.required ? html` required` : ''}${field.maxLength ? html` maxlength="${field.maxLength}"` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${field.issue ? html` aria-invalid="true"` : ''}>
</div>`;
};

const describedByOf = (name: string, hint: string | undefined, issue: FieldIssue | undefined): string =>
  [hint ? `${name}-hint` : '', issue ? `${name}-error` : ''].filter(Boolean).join(' ');

export interface TextAreaInput {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly maxLength?: number;
  /** Visible lines. Default 3. */
  readonly rows?: number;
  readonly issue?: FieldIssue;
}

export const textArea = (field: TextAreaInput): Html => {
  const describedBy = describedByOf(field.name, field.hint, field.issue);
  return html`<div class="field">
<label for="${field.name}">${field.label}${field.required ? '' : ' (niet verplicht)'}</label>
${field.hint ? html`<p class="hint" id="${field.name}-hint">${field.hint}</p>` : ''}
${fieldError(field.name, field.issue)}
<textarea id="${field.name}" name="${field.name}" rows="${field.rows ?? 3}"${field.required ? html` required` : ''}${
    field.maxLength ? html` maxlength="${field.maxLength}"` : ''
  }${describedBy ? html` aria-describedby="${describedBy}"` : ''}${field.issue ? html` aria-invalid="true"` : ''}>${
    // A newline right after the start tag is dropped by the parser: keep a value that begins with one.
    field.value.startsWith('\n') ? '\n' : ''
  }${field.value}</textarea>
</div>`;
};

export interface CheckboxOption {
  readonly value: string;
  readonly label: string;
}

export const checkboxGroup = (group: {
  readonly name: string;
  readonly legend: string;
  readonly options: readonly CheckboxOption[];
  readonly checked: readonly string[];
  readonly issue?: FieldIssue;
}): Html => html`<fieldset class="field" id="${group.name}"${
  group.issue ? html` aria-describedby="${group.name}-error"` : ''
}>
<legend>${group.legend}</legend>
${fieldError(group.name, group.issue)}
${group.options.map(
  (option) =>
    html`<div class="choice"><input type="checkbox" id="${group.name}-${option.value}" name="${group.name}" value="${option.value}"${
      group.checked.includes(option.value) ? html` checked` : ''
    }><label for="${group.name}-${option.value}">${option.label}</label></div>`,
)}
</fieldset>`;

/**
 * A field for bots only: visually off-screen and hidden from assistive technology, never focused by
 * keyboard. A filled honeypot gets the normal answer and nothing is written or sent.
 */
export const honeypotField = (name: string): Html => html`<div class="hp" aria-hidden="true">
<label for="${name}">Laat dit veld leeg</label>
<input id="${name}" name="${name}" type="text" tabindex="-1" autocomplete="off" value="">
</div>`;

/**
 * One choice out of several. The fieldset carries the id the error summary links to; the legend names the
 * question, so screen readers announce it with every option.
 */
export const radioGroup = (group: {
  readonly name: string;
  readonly legend: string;
  readonly options: readonly CheckboxOption[];
  readonly checked: string;
  readonly hint?: string;
  readonly required?: boolean;
  readonly issue?: FieldIssue;
}): Html => {
  const describedBy = describedByOf(group.name, group.hint, group.issue);
  return html`<fieldset class="field" id="${group.name}"${describedBy ? html` aria-describedby="${describedBy}"` : ''}>
<legend>${group.legend}${group.required ? '' : ' (niet verplicht)'}</legend>
${group.hint ? html`<p class="hint" id="${group.name}-hint">${group.hint}</p>` : ''}
${fieldError(group.name, group.issue)}
${group.options.map(
  (option) =>
    html`<div class="choice"><input type="radio" id="${group.name}-${option.value}" name="${group.name}" value="${option.value}"${
      group.checked === option.value ? html` checked` : ''
    }${group.required ? html` required` : ''}${group.issue ? html` aria-invalid="true"` : ''}><label for="${group.name}-${option.value}">${option.label}</label></div>`,
)}
</fieldset>`;
};
