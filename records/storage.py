"""Where the files of clinical documents live: a private folder under MEDIA_ROOT that no URL serves.

The files leave the server only through the permission-checked, journaled download views
(records.views.document_download and my_document_download); `url()` refuses, so that no template or
serializer can ever hand out a direct link by accident.
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property


@deconstructible
class PrivateDocumentStorage(FileSystemStorage):
    def __init__(self) -> None:
        # Owner-only files and folders: the web server's other processes have no business reading them.
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @cached_property
    def base_location(self) -> str:
        # Follows MEDIA_ROOT when a test overrides it (FileSystemStorage drops this cache on that signal).
        return os.path.join(settings.MEDIA_ROOT, "private", "records")

    def url(self, name) -> str:
        raise ValueError("Clinical documents have no public URL; use the download view.")


document_storage = PrivateDocumentStorage()
