"""A plain HTTP client for servers started on loopback (gunicorn in the tests and the benchmark).

Production cookies are ``Secure``, which cookie jars never send over plain HTTP: on loopback
there is no TLS proxy, so this client keeps and sends the cookies itself.
"""

import http.client
import re
import urllib.parse

HOST = "127.0.0.1"


class RawClient:
    def __init__(self, port, cookies=None, timeout=30):
        self.port = port
        self.cookies = dict(cookies or {})
        self.timeout = timeout

    def request(self, method, path, data=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        headers = {"Host": f"{HOST}:{self.port}"}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for name, value in response.headers.items():
            if name.lower() == "set-cookie":
                key, cookie_value = re.match(r"([^=]+)=([^;]*)", value).groups()
                if cookie_value in ("", '""'):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = cookie_value
        return response.status, response.headers, content

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        """A form POST with the CSRF token, as a browser sends it."""
        if "csrftoken" not in self.cookies:
            self.get("/login/")
        return self.request("POST", path, {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data})

    def log_in(self, username, password):
        status, _headers, _body = self.post("/login/", {"username": username, "password": password})
        return status
