import { html } from '../html';
import { renderPage } from '../page';

const headings: Record<number, string> = {
  400: 'Dat ging niet goed',
  401: 'Log eerst in',
  403: 'Geen toegang',
  404: 'Pagina niet gevonden',
  405: 'Dat kan op deze pagina niet',
  409: 'Dat kan nu niet',
  410: 'Niet meer beschikbaar',
  412: 'Iemand was je voor',
  413: 'Je bericht is te groot',
  415: 'Dit formaat kunnen we niet lezen',
  429: 'Even geduld',
  500: 'Er ging iets mis aan onze kant',
};

/** A Dutch error page. `message` is shown as given: only 4xx messages, which are written for people. */
export const renderErrorPage = (status: number, message: string): string => {
  const heading = headings[status] ?? (status >= 500 ? headings[500] : headings[400]) ?? '';
  return renderPage({
    title: heading,
    main: html`<h1>${heading}</h1>
<p>${message}</p>
<p><a href="/">Naar de homepage</a></p>`,
  });
};
