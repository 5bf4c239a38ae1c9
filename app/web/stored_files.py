"""A record's uploaded file handed to a reader who may see the record (each feature's own file route checks that
first): read from UPLOAD_DIR, an image shown in the page, anything else downloaded, never sniffed or run as a page."""
from pathlib import Path

from flask import abort, current_app, send_file


def send_stored(item):
    """The response for the attachment `item`; 404 when its stored file is gone."""
    path = Path(current_app.config["UPLOAD_DIR"]) / item.stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=item.content_type, as_attachment=not item.is_image,
                         download_name=item.original_name, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response.cache_control.private = True
    return response
