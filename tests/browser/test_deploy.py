"""The deploy, proven: the repository's own deploy/nginx.conf (Debian's nginx; only its listen and upstream addresses and
certificate and log paths changed) in front of two app processes in team mode on one PostgreSQL, with a throwaway
certificate and the local OpenID Connect provider; Chromium goes through nginx only."""

from __future__ import annotations

import datetime
import http.client
import os
import shutil
import ssl
import subprocess
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.test_smoke import (  # noqa: F401  (browser: a fixture)
    PAGES,
    ROOT,
    TIMEOUT_MS,
    TIMEOUT_S,
    Pages,
    Server,
    browser,
    free_port,
    open_section,
    settle,
    streamlit,
    tail,
    type_into,
)
from tests.core.storage.test_store import fresh_postgres, postgres_url  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::DeprecationWarning")]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    oidc = pytest.importorskip("oidc_provider_mock")
from tests.browser.test_signin import USERS, sign_in  # noqa: E402  (after the provider's import check)

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
if not Path(NGINX).exists():
    if os.environ.get("CI") == "true":
        pytest.fail("nginx is missing under CI=true: `make test` installs it with apt-get as root", pytrace=False)
    pytest.skip("nginx not found: enable the deploy test with `sudo apt-get install -y nginx`", allow_module_level=True)
x509 = pytest.importorskip("cryptography.x509")  # Authlib's own dependency (st.login needs Authlib)

CONFIG = ROOT / "deploy" / "nginx.conf"
UNVERIFIED = ssl._create_unverified_context()  # the throwaway certificate is self-signed
CSP_MARKERS = ("Content Security Policy", "CSP violation")
# Every securitypolicyviolation event reaches the console, where the test collects it with Chromium's own reports.
REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation',
    e => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));"""


@dataclass
class Deployment:
    https_port: int   # nginx at https://localhost:<port>, the only address the browser uses
    http_port: int    # nginx's plain-HTTP server (it only redirects)
    provider: str     # the OpenID Connect provider's origin (the browser signs in there)
    apps: tuple[Server, Server]
    access_log: Path

    @property
    def url(self) -> str:
        return f"https://localhost:{self.https_port}"


def certificate(folder: Path) -> None:
    """A self-signed certificate for localhost, valid for a day: fullchain.pem and privkey.pem in ``folder``."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA256()))
    (folder / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


def render(config: str, http_port: int, https_port: int, apps: tuple[Server, Server], folder: Path) -> str:
    """deploy/nginx.conf with only its ports, upstream addresses and file paths made this test's; fails if one of
    them is not where the test expects it (the config changed shape: update this test with it)."""
    swaps = [("listen 80;", f"listen 127.0.0.1:{http_port};"),
             ("listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl"),
             ("server app1:8501;", f"server {apps[0].url.removeprefix('http://')};"),
             ("server app2:8501;", f"server {apps[1].url.removeprefix('http://')};"),
             ("/etc/nginx/certs/", f"{folder}/"),
             ("/var/log/nginx/", f"{folder}/")]
    for old, new in swaps:
        assert old in config, f"deploy/nginx.conf no longer has {old!r}"
        config = config.replace(old, new)
    return config


def main_config(folder: Path) -> str:
    """The `nginx.conf` around the conf.d file, as a distribution's own: one worker, files in ``folder``."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # the test's folder is private to root
    temp = "".join(f"{kind}_temp_path {folder}/{kind};\n" for kind in ("client_body", "proxy"))
    return (f"{user}daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\n"
            f"events {{ worker_connections 512; }}\nhttp {{\n{temp}include {folder}/winterproof.conf;\n}}\n")


def wait_for_nginx(port: int, process: subprocess.Popen, log: Path) -> None:
    """Until nginx answers on ``port`` (fails with its error log's end if it exits or takes TIMEOUT_S)."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"nginx exited ({process.returncode}); its error log ends:\n{tail(log)}", pytrace=False)
        try:
            get(port, "/_stcore/health")
            return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"nginx did not answer on port {port} within {TIMEOUT_S:.0f} s:\n{tail(log)}", pytrace=False)


def get(port: int, path: str, tls: bool = True, source: str = "127.0.0.1", cookie: str = "") -> http.client.HTTPResponse:
    """One request to nginx from the client address ``source`` (any 127.x.y.z: nginx's limits count per address)."""
    connection = (http.client.HTTPSConnection("127.0.0.1", port, context=UNVERIFIED, timeout=TIMEOUT_S,
                                              source_address=(source, 0)) if tls else
                  http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S, source_address=(source, 0)))
    connection.request("GET", path, headers={"Host": f"localhost:{port}", **({"Cookie": cookie} if cookie else {})})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture(scope="module")
def deployment(postgres_url, tmp_path_factory):  # noqa: F811
    folder = tmp_path_factory.mktemp("deploy")
    certificate(folder)
    https_port, http_port = free_port(), free_port()
    users = [oidc.User(sub=sub, claims={"email": email, "email_verified": True, "name": sub.title()})
             for sub, email in USERS.items()]
    with oidc.run_server_in_thread(user_claims=users) as provider:
        issuer = f"http://localhost:{provider.server_port}"
        secrets = folder / "secrets.toml"
        secrets.write_text(  # one [auth] for both processes: the sign-in cookie is valid on either
            "[auth]\n"
            f'redirect_uri = "https://localhost:{https_port}/oauth2callback"\n'
            f'cookie_secret = "{os.urandom(16).hex()}"\n'
            'client_id = "winterproof-test"\n'
            'client_secret = "not-a-secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n')
        env = {"WINTERPROOF_DATABASE_URL": fresh_postgres(postgres_url), "WINTERPROOF_MODE": "team"}
        args = (f"--secrets.files={secrets}",)
        with streamlit(folder / "app1.log", env, args=args) as app1, streamlit(folder / "app2.log", env, args=args) as app2:
            (folder / "winterproof.conf").write_text(render(CONFIG.read_text(), http_port, https_port, (app1, app2), folder))
            (folder / "nginx.conf").write_text(main_config(folder))
            command = [NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(folder / "nginx.conf")]
            check = subprocess.run([*command, "-t"], capture_output=True, text=True)
            assert check.returncode == 0, f"nginx refuses deploy/nginx.conf:\n{check.stderr}"
            nginx = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_for_nginx(https_port, nginx, folder / "error.log")
                yield Deployment(https_port, http_port, issuer, (app1, app2), folder / "access.log")
            finally:
                nginx.terminate()
                nginx.wait(timeout=TIMEOUT_S)


@dataclass
class Watched(Pages):
    """Pages through nginx (certificate errors ignored) whose CSP violations and requests the test collects."""

    site: str = ""      # nginx's origin
    provider: str = ""  # the OpenID Connect provider's: the browser goes there to sign in
    violations: list[str] = field(default_factory=list)  # console reports of a CSP violation
    foreign: list[str] = field(default_factory=list)  # requests to any other origin

    def __call__(self, **context_options):
        page = super().__call__(ignore_https_errors=True, **context_options)
        page.context.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda m: any(k in m.text for k in CSP_MARKERS) and self.violations.append(m.text))
        page.on("request", self._request)
        return page

    def _request(self, request) -> None:
        """Note a request that leaves for another origin from one of the app's pages (the provider's sign-in
        page, which the browser visits in between, fetches what it likes)."""
        ours = (f"{self.site}/", f"{self.provider}/")
        if request.frame.url.startswith(ours[0]) and not request.url.startswith(("data:", "blob:", *ours)):
            self.foreign.append(request.url)


@pytest.fixture
def new_page(browser, deployment, tmp_path):  # noqa: F811
    pages = Watched(browser, deployment.apps[0].log, tmp_path, site=deployment.url, provider=deployment.provider)
    yield pages
    for page in pages.open:
        page.context.close()


def logged(log: Path, marker: str, count: int) -> list[str]:
    """The access log's lines with ``marker``, once there are ``count`` of them (nginx writes a line after its response)."""
    deadline = time.monotonic() + TIMEOUT_S
    while len(lines := [line for line in log.read_text().splitlines() if marker in line]) < count:
        assert time.monotonic() < deadline, f"{len(lines)} of {count} lines with {marker!r} in {log}"
        time.sleep(0.1)
    return lines


def upstreams(log: Path, since: int = 0) -> list[str]:
    """The app address that finally answered each request logged after byte ``since`` of nginx's access log (after a
    failed try nginx logs every address it tried), websockets left out: a websocket's line is written when it closes."""
    lines = log.read_text()[since:].splitlines()
    return [line.rsplit(", ", 1)[-1].rsplit("upstream=", 1)[-1] for line in lines if '"GET /_stcore/stream ' not in line]


def test_nginx_serves_https_only_with_the_security_headers(deployment):
    redirect = get(deployment.http_port, "/library?x=1", tls=False)
    assert redirect.status == 301 and redirect.headers["Location"] == "https://localhost/library?x=1"
    page = get(deployment.https_port, "/")
    assert page.status == 200
    csp = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert "'unsafe-eval'" not in csp["script-src"] and "'unsafe-inline'" not in csp["script-src"]
    assert csp["connect-src"] == f"'self' wss://localhost:{deployment.https_port}"  # sockets to this host only
    assert csp["frame-ancestors"] == "'none'" and page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "camera=()" in page.headers["Permissions-Policy"] and page.headers["Server"] == "nginx"  # no version


def test_the_access_log_never_records_a_query_string(deployment):
    get(deployment.https_port, "/shared?share=token-in-the-https-address")
    get(deployment.http_port, "/shared?share=token-in-the-http-address", tls=False)
    assert len(logged(deployment.access_log, '"GET /shared', 2)) == 2
    assert "token-in-the" not in deployment.access_log.read_text()


def test_nginx_limits_new_sessions_per_client_and_only_that_client(deployment):
    answers = [get(deployment.https_port, "/_stcore/stream", source="127.0.0.2").status for _ in range(60)]
    assert 429 not in answers[:20]   # a visitor opening a handful of tabs is never refused
    assert answers.count(429) >= 20  # a client opening sessions as fast as it can is
    assert get(deployment.https_port, "/_stcore/stream", source="127.0.0.3").status != 429  # another client is not affected
    assert get(deployment.https_port, "/_stcore/health").status == 200


def test_nginx_limits_requests_per_client_but_not_the_frontend_s_static_files(deployment):
    answers = [get(deployment.https_port, "/_stcore/health", source="127.0.0.4").status for _ in range(200)]
    assert 429 not in answers[:100] and 429 in answers  # a burst of 100, then 20 a second
    assert 429 not in {get(deployment.https_port, "/static/js/any.js", source="127.0.0.5").status for _ in range(200)}


def test_a_browser_keeps_its_app_process_by_a_cookie_and_browsers_spread_over_both(deployment):
    first = get(deployment.https_port, "/")
    route = first.headers["Set-Cookie"]
    assert route.startswith("winterproof_route=") and {"Secure", "HttpOnly"} <= {p.strip() for p in route.split(";")}
    assert get(deployment.https_port, "/", cookie=route.split(";")[0]).headers["Set-Cookie"] is None  # set once
    for browser_id in range(20):
        for _ in range(3):
            get(deployment.https_port, f"/route-{browser_id}", cookie=f"winterproof_route={browser_id}")
    served: dict[str, set[str]] = {}
    for line in logged(deployment.access_log, '"GET /route-', 60):
        served.setdefault(line.split('"GET ')[1].split()[0], set()).add(line.rsplit("upstream=", 1)[1])
    assert len(served) == 20 and all(len(apps) == 1 for apps in served.values())  # each browser: one process
    assert set.union(*served.values()) == {app.url.removeprefix("http://") for app in deployment.apps}


def test_through_nginx_sign_in_save_share_every_page_and_the_work_survives_its_process(deployment, new_page):
    url = deployment.url
    founder = new_page()
    sign_in(founder, url, "ana")
    cookies = founder.context.cookies(url)
    signed_in = [c["httpOnly"] for c in cookies if c["name"].startswith("_streamlit_user")]
    assert signed_in and all(signed_in)  # the sign-in's cookies: never readable by a script
    assert [c["name"] for c in cookies if not c["secure"]] == []  # Secure behind HTTPS, though Streamlit omits it
    icon = founder.locator("link[rel~='icon']").last.evaluate("link => link.href")  # absolute, as the browser reads it
    assert icon.startswith(("data:image/svg+xml", f"{url}/")), icon  # the app's own icon file, never a font CDN

    founder.goto(f"{url}/library")
    founder.get_by_role("button", name="Save as a new scenario").click()
    founder.get_by_text("Done:").first.wait_for(timeout=TIMEOUT_MS)
    settle(founder)
    open_section(founder, founder.get_by_text("Share with investors").first)
    founder.get_by_role("button", name="Create a link to revision 1").click()
    link = founder.locator("[data-testid='stCode']").first.inner_text(timeout=TIMEOUT_MS).strip()
    assert link.startswith(f"{url}/") and "share=" in link  # made on the address the founder reached nginx at
    investor = new_page()
    investor.goto(link)
    investor.get_by_text("Make a private copy to explore").first.wait_for(timeout=TIMEOUT_MS)
    assert investor.locator("[data-testid='stException']").count() == 0

    for path, marker in sorted(PAGES.items(), key=lambda page: page[0] == "pitch"):  # one session, no reload
        # (Pitch last: it folds the sidebar away.)
        founder.locator(f"[data-testid='stSidebarNav'] a[href$='/{path}']").first.click()
        founder.get_by_text(marker).first.wait_for(timeout=TIMEOUT_MS)
        if path != "library":
            founder.locator(".js-plotly-plot:visible").first.wait_for(timeout=TIMEOUT_MS)
        assert founder.locator("[data-testid='stException']").count() == 0, path
    assert new_page.violations == [] and new_page.foreign == []

    founder.goto(f"{url}/build")  # unsaved work, kept in the database under the tab's address
    type_into(founder, founder.locator("input[aria-label^='Cash in the bank']").last, "7654321")
    founder.get_by_text("unsaved changes").first.wait_for(timeout=TIMEOUT_MS)
    settle(founder)
    served = upstreams(deployment.access_log)[-1]  # the route cookie: every request of this test's browser went there
    app, other = sorted(deployment.apps, key=lambda a: not a.url.endswith(served))
    app.process.kill()
    app.process.wait()
    since = deployment.access_log.stat().st_size
    founder.reload()  # the same tab, its process gone: still signed in, its unsaved work back, on the other process
    founder.get_by_text("is back, as it was at").first.wait_for(timeout=TIMEOUT_MS)
    signed = founder.get_by_text("Signed in as").first
    signed.wait_for(timeout=TIMEOUT_MS)
    assert signed.inner_text().replace("\u2060", "") == f"Signed in as {USERS['ana']}"  # plain(): no mailto link
    assert founder.locator("input[aria-label^='Cash in the bank']").last.input_value() == "7654321"
    assert set(upstreams(deployment.access_log, since)) == {other.url.removeprefix("http://")}
    assert new_page.violations == [] and new_page.foreign == []
