from ..web.conftest import two_partners  # noqa: F401  (the same people as the web tests)
