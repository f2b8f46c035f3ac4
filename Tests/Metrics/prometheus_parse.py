# Parses a /metrics body from stdin with Prometheus' own Python client (Debian python3-prometheus-client) and prints
# the families as JSON: the independent reference for what a Prometheus server reads from our exporter.
# With the argument "openmetrics" the body is parsed as OpenMetrics 1.0 (strict: "# EOF", _created, units).
import json
import math
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


parse = parse_openmetrics if sys.argv[1:] == ["openmetrics"] else parse_text
families = []
for family in parse(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "help": family.documentation,
        "samples": [{"name": s.name, "labels": s.labels, "value": number(s.value)} for s in family.samples],
    })
json.dump(families, sys.stdout)
