{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "pc.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: the release name, plus the chart name unless the release name already holds it. */}}
{{- define "pc.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "pc.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "pc.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component (api, silo, redis): call with (dict "ctx" $ "component" "silo"). */}}
{{- define "pc.selectorLabels" -}}
app.kubernetes.io/name: {{ include "pc.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Every label of one component's resources and pods. */}}
{{- define "pc.componentLabels" -}}
{{ include "pc.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "pc.image" -}}
{{- $tag := default .ctx.Chart.AppVersion .ctx.Values.image.tag -}}
{{- printf "%s%s:%s" .ctx.Values.image.registry .repository $tag -}}
{{- end }}

{{- define "pc.secretName" -}}
{{- default (include "pc.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{- define "pc.siloHeadless" -}}
{{- printf "%s-silo" (include "pc.fullname" .) }}
{{- end }}

{{- define "pc.redisHost" -}}
{{- printf "%s-redis" (include "pc.fullname" .) }}
{{- end }}

{{/* host:port of Redis: the in-chart one or redis.external.endpoint. */}}
{{- define "pc.redisEndpoint" -}}
{{- if .Values.redis.enabled }}
{{- printf "%s:6379" (include "pc.redisHost" .) }}
{{- else }}
{{- required "redis.external.endpoint (host:port) is required when redis.enabled is false" .Values.redis.external.endpoint }}
{{- end }}
{{- end }}

{{/* Whether processes authenticate to Redis: in-chart Redis always; external when a password is given or may be in an existing Secret. */}}
{{- define "pc.redisAuth" -}}
{{- if or .Values.redis.enabled .Values.redis.external.password .Values.secret.existingSecret }}true{{ end }}
{{- end }}

{{/* Whether the chart renders a Secret: no existing one is named (it always holds the dashboard's operator key). */}}
{{- define "pc.rendersSecret" -}}
{{- if not .Values.secret.existingSecret }}true{{ end }}
{{- end }}

{{/*
A Secret value, base64: the given one; else the one already in the cluster (lookup, so upgrades keep a
generated value); else a new random one. Call with (dict "ctx" $ "key" "redis-password" "given" "...").
*/}}
{{- define "pc.secretValue" -}}
{{- $existing := lookup "v1" "Secret" .ctx.Release.Namespace (include "pc.fullname" .ctx) }}
{{- if .given }}
{{- .given | b64enc }}
{{- else if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else }}
{{- randAlphaNum 48 | b64enc }}
{{- end }}
{{- end }}

{{/* Settings silos and the API share: the Orleans cluster they form and the Redis that holds its member table. */}}
{{- define "pc.orleansSettings" -}}
Orleans__ClusterId: {{ .Values.orleans.clusterId | quote }}
Orleans__ServiceId: {{ .Values.orleans.serviceId | quote }}
Redis__Endpoint: {{ include "pc.redisEndpoint" . | quote }}
Redis__Database: {{ ternary 0 .Values.redis.external.database .Values.redis.enabled | quote }}
{{- if and (not .Values.redis.enabled) .Values.redis.external.user }}
Redis__User: {{ .Values.redis.external.user | quote }}
{{- end }}
{{- end }}

{{/*
Environment every .NET container takes from the Secret: the Redis password, when Redis has one, and the operator key
of the dashboard (optional in an existing Secret: without it, the dashboard answers loopback only).
*/}}
{{- define "pc.secretEnv" -}}
{{- if include "pc.redisAuth" . }}
- name: Redis__Password
  valueFrom:
    secretKeyRef:
      name: {{ include "pc.secretName" . }}
      key: redis-password
      {{- if .Values.secret.existingSecret }}
      optional: true
      {{- end }}
{{- end }}
- name: Dashboard__OperatorKey
  valueFrom:
    secretKeyRef:
      name: {{ include "pc.secretName" . }}
      key: dashboard-operator-key
      {{- if .Values.secret.existingSecret }}
      optional: true
      {{- end }}
{{- end }}

{{/* Volumes every .NET pod has: /tmp is the only writable path (read-only root filesystem). */}}
{{- define "pc.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}

{{/* The Secret holding the API keys (file "api-keys"), or nothing when no key is configured. */}}
{{- define "pc.apiKeysSecret" -}}
{{- if .Values.apiKeys.existingSecret }}
{{- .Values.apiKeys.existingSecret }}
{{- else if .Values.apiKeys.keys }}
{{- printf "%s-api-keys" (include "pc.fullname" .) }}
{{- end }}
{{- end }}
