"""URLs of the fake Lightsail service, in moto's ``urls.py`` layout."""

from .responses import LightsailResponse

url_bases = [
    r"https?://lightsail\.(.+)\.amazonaws\.com",
]

url_paths = {
    "{0}/$": LightsailResponse.dispatch,
}
