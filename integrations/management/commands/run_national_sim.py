from django.conf import settings
from django.core.management.base import BaseCommand

from integrations.simulator.server import SimulatorServer


class Command(BaseCommand):
    help = "Serve the national-systems simulator over HTTP (development and tests)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=settings.NATIONAL_SIM_PORT)

    def handle(self, *args, host, port, **options):
        server = SimulatorServer((host, port))
        self.stdout.write(f"National-systems simulator on http://{host}:{port}/")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
