"""Small pages written for the page checks: what sites answer in place of an article.

Each reproduces a real class of markup (a WordPress theme's 404 template, a
consent-management platform's interstitial, an empty 200), not any site's page.
"""

from __future__ import annotations

WORDPRESS_404 = b"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="UTF-8">
<title>Page not found - UK Defence Journal</title>
<meta name="robots" content="noindex, follow">
<link rel="stylesheet" href="/wp-content/themes/newspaper/style.css">
</head>
<body class="error404 td-standard-pack global-block-template-1">
<div class="td-main-content-wrap">
  <div class="td-container">
    <h1 class="entry-title td-page-title"><span>Ooops... Error 404</span></h1>
    <p>Sorry, but the page you are looking for doesn't exist.</p>
    <p>You can go to the <a href="/">homepage</a>.</p>
    <h4 class="block-title"><span>Our latest posts</span></h4>
    <div class="td_module_wrap"><h3 class="entry-title"><a href="/a/">Latest one</a></h3></div>
    <div class="td_module_wrap"><h3 class="entry-title"><a href="/b/">Latest two</a></h3></div>
  </div>
</div>
<footer class="td-footer-wrapper"><p>Copyright 2025</p></footer>
</body>
</html>
"""

CONSENT_WALL = b"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Before you continue</title>
<script src="https://cmp.example.net/tcfv2/stub.js"></script>
<script>window.__tcfapi = window.__tcfapi || function () {};</script>
</head>
<body>
<div id="qc-cmp2-container" class="qc-cmp2-container">
  <div role="dialog" aria-label="Privacy settings">
    <h2>We value your privacy</h2>
    <p>We and our partners store and/or access information on a device, such as cookies,
    and process personal data, such as unique identifiers and standard information sent
    by a device for personalised advertising and content, advertising and content
    measurement, audience research and services development.</p>
    <p>With your permission we and our partners may use precise geolocation data and
    identification through device scanning. You may click to consent to our and our
    partners' processing as described above.</p>
    <form action="/consent/save" method="post">
      <button name="choice" value="reject">Reject all</button>
      <button name="choice" value="accept">Accept all</button>
      <button name="choice" value="manage">Manage cookies</button>
    </form>
  </div>
</div>
</body>
</html>
"""

CONSENT_BANNER_OVER_ARTICLE = b"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Minehunter returns home - Example News</title>
<meta property="og:type" content="article"></head>
<body>
<div id="onetrust-consent-sdk"><div id="onetrust-banner-sdk">
  <p>We use cookies to improve your experience. Accept all cookies or manage cookies.</p>
</div></div>
<article><h1>Minehunter returns home</h1>
<div class="entry-content">
<p>The minehunter returned to Portsmouth on Tuesday after three years in the Gulf, where
its crew cleared historic ordnance and trained alongside allied navies in the region.</p>
<p>Families gathered on the Round Tower to watch the ship come in, and the commanding
officer thanked the ship's company for a deployment that had run far longer than planned.</p>
<p>The ship will now go into a refit period before being decommissioned later in the year,
the Royal Navy said in a statement, ending more than three decades of service.</p>
</div></article>
</body>
</html>
"""

EMPTY_200 = b""

NEAR_EMPTY_200 = (
    b"<!DOCTYPE html><html><head><title>Home</title></head><body><div id=app></div></body></html>"
)
