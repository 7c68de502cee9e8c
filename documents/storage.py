from django.core.files.storage import FileSystemStorage, InMemoryStorage


class NoPublicURLMixin:
    """Library files have no public address: only the permission-checked view of the intranet serves them."""

    def url(self, name):
        raise NotImplementedError("Library documents are served by the intranet only, never by URL.")


class PrivateFileSystemStorage(NoPublicURLMixin, FileSystemStorage):
    pass


class PrivateInMemoryStorage(NoPublicURLMixin, InMemoryStorage):
    pass
