import { html } from '../html';
import { renderPage } from '../page';

/** The home page: what Drop In is, in the programme's own words (jaarupdate 2024). */
export const renderHomePage = (): string =>
  renderPage({
    title: 'Jongerenwerk en criminaliteitspreventie',
    main: html`<h1>Drop In</h1>
<p class="lead">Drop In (2023–2026) onderzoekt de rol van het jongerenwerk in criminaliteitspreventie en versterkt die, met praktijkgericht onderzoek en uitwisseling tussen jongerenwerkers, managers en beleidsmedewerkers.</p>
<h2>Praktijkgericht onderzoek in drie regio's</h2>
<p>In Twente, Limburg en Noord-Holland werken onderzoekers van Saxion, Hogeschool Zuyd en de Hogeschool van Amsterdam samen met jongerenwerkers in onderzoekswerkplaatsen.</p>
<h2>Het landelijk kennisnetwerk</h2>
<p>Het reizend landelijk kennisnetwerk voor jongerenwerkers, hun managers en beleidsmedewerkers van PMG-gemeenten telt 150 deelnemers. In 2024 kwamen we samen in Utrecht, Nijmegen, Dordrecht, Amsterdam en Bergen op Zoom.</p>
<div class="card">
<p>Hier kun je je straks aanmelden voor de nieuwsbrief en de bijeenkomsten, en vind je de verslagen en publicaties van Drop In.</p>
</div>`,
  });
