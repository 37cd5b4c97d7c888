import { paths } from '../paths';
import { Html, html } from './html';
import { siteCss } from './style';

export interface PageInput {
  /** The page's own title; the site name is appended. */
  readonly title: string;
  readonly main: Html;
}

/** An inline icon, so browsers do not ask for /favicon.ico (a 404 on every first visit). */
const favicon = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#8a1c3a"/><text x="16" y="23" font-family="Arial" font-size="20" font-weight="bold" fill="#fff" text-anchor="middle">D</text></svg>',
)}`;

/** Pages in the main navigation. Only pages that exist are listed. */
const navigation: readonly { href: string; label: string }[] = [
  { href: paths.home, label: 'Home' },
  { href: paths.meetings, label: 'Bijeenkomsten' },
  { href: paths.reports, label: 'Publicaties' },
  { href: paths.newsletter, label: 'Nieuwsbrief' },
];

/** A complete Dutch HTML document in the site's layout: skip link, landmarks, no script. */
export const renderPage = ({ title, main }: PageInput): string =>
  html`<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Drop In</title>
<link rel="icon" href="${favicon}">
<style>${new Html(siteCss)}</style>
</head>
<body>
<a class="skip" href="#inhoud">Direct naar de inhoud</a>
<header class="site"><div class="inner">
<a href="/">Drop In</a>
<nav aria-label="Hoofdmenu">${navigation.map((item) => html`<a href="${item.href}">${item.label}</a>`)}</nav>
</div></header>
<main id="inhoud" tabindex="-1">
${main}
</main>
<footer class="site"><div class="inner">
<p>Drop In (2023–2026) onderzoekt en versterkt de rol van het jongerenwerk in criminaliteitspreventie. Een programma van Sociaal Werk Nederland met onderzoekers van Saxion, Hogeschool Zuyd en de Hogeschool van Amsterdam.</p>
<p>Deze site gebruikt geen cookies en geen trackers.</p>
</div></footer>
</body>
</html>
`.value;
