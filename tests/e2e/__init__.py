"""Real-browser end-to-end tests (Playwright driving Debian's Chromium against a live server)."""
