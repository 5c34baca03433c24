"""The test setup's names and numbers, shared by conftest.py and the tests."""

ACCOUNT_SID = "ACacce550123456789abcdef0ca11ed0c0"
AUTH_TOKEN = "acmeSupportHarnessToken2025"
PUBLIC_URL = "https://acme.example.com"  # where the app believes it is served
SUPPORT_NUMBER = "+15005550199"  # where /menu forwards a caller who presses 2
ACME_NUMBER = "+15005550100"  # the number customers dial: its voice URL is the app's public /voice
CALLER = "+14155550111"  # a customer calling in
CUSTOMER = "+14155550142"  # a customer the app calls (nobody described: answers at once)

# Virtual seconds per wall-clock second with the scaled clock: a 30-second
# call takes 0.3 s.
SCALED_RATE = 100
