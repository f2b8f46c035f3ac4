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

{{- define "pc.predictionsRedisHost" -}}
{{- printf "%s-predictions-redis" (include "pc.fullname" .) }}
{{- end }}

{{/* host:port of the predictions' own Redis (the in-chart one or storage.redis.external.endpoint); empty: they share the member table's. */}}
{{- define "pc.predictionsRedisEndpoint" -}}
{{- if .Values.storage.redis.enabled }}
{{- printf "%s:6379" (include "pc.predictionsRedisHost" .) }}
{{- else }}
{{- .Values.storage.redis.external.endpoint }}
{{- end }}
{{- end }}

{{/* Whether silos authenticate to the predictions' own Redis: in-chart always; external when a password is given or may be in an existing Secret. */}}
{{- define "pc.predictionsRedisAuth" -}}
{{- if or .Values.storage.redis.enabled (and .Values.storage.redis.external.endpoint (or .Values.storage.redis.external.password .Values.secret.existingSecret)) }}true{{ end }}
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

{{/* Settings silos and the API share: the Orleans cluster they form, the Redis that holds its member table, mutual TLS. */}}
{{- define "pc.orleansSettings" -}}
Orleans__ClusterId: {{ .Values.orleans.clusterId | quote }}
Orleans__ServiceId: {{ .Values.orleans.serviceId | quote }}
Redis__Endpoint: {{ include "pc.redisEndpoint" . | quote }}
Redis__Database: {{ ternary 0 .Values.redis.external.database .Values.redis.enabled | quote }}
{{- if and (not .Values.redis.enabled) .Values.redis.external.user }}
Redis__User: {{ .Values.redis.external.user | quote }}
{{- end }}
{{- if .Values.tls.enabled }}
Orleans__Tls__Enabled: "true"
Orleans__Tls__CertificatePath: {{ printf "%s/tls.crt" .Values.tls.mountPath | quote }}
Orleans__Tls__KeyPath: {{ printf "%s/tls.key" .Values.tls.mountPath | quote }}
Orleans__Tls__CaPath: {{ printf "%s/ca.crt" .Values.tls.mountPath | quote }}
{{- end }}
{{- end }}

{{/*
An Orleans id as a pod label value (Orleans' Kubernetes hosting selects silo pods by orleans/clusterId and
orleans/serviceId, and would patch a pod whose labels differ, which the silos' Role does not allow): at most 63
characters, alphanumeric at both ends, "-", "_" and "." inside. Call with (list "orleans.clusterId" value).
*/}}
{{- define "pc.orleansLabelValue" -}}
{{- $key := index . 0 }}{{ $value := toString (index . 1) }}
{{- if not (regexMatch "^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$" $value) }}
{{- fail (printf "%s %q must be a valid Kubernetes label value (pods are labelled with it)" $key $value) }}
{{- end }}
{{- $value | quote }}
{{- end }}

{{/* The Secret with tls.crt, tls.key and ca.crt: tls.secretName, or the one the chart's Certificate fills. */}}
{{- define "pc.tlsSecretName" -}}
{{- if .Values.tls.secretName }}
{{- .Values.tls.secretName }}
{{- else if .Values.tls.certManager.issuer.name }}
{{- printf "%s-cluster-tls" (include "pc.fullname" .) }}
{{- else }}
{{- fail "tls.secretName (a Secret with tls.crt, tls.key and ca.crt) or tls.certManager.issuer.name is required when tls.enabled is true" }}
{{- end }}
{{- end }}

{{/* The TLS Secret as a volume of silo and API pods (when tls.enabled): readable by the pods' group only. */}}
{{- define "pc.tlsVolume" -}}
{{- if .Values.tls.enabled -}}
- name: cluster-tls
  secret:
    secretName: {{ include "pc.tlsSecretName" . }}
    defaultMode: 0440
    items:
      - key: tls.crt
        path: tls.crt
      - key: tls.key
        path: tls.key
      - key: ca.crt
        path: ca.crt
{{- end }}
{{- end }}

{{- define "pc.tlsVolumeMount" -}}
{{- if .Values.tls.enabled -}}
- name: cluster-tls
  mountPath: {{ .Values.tls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{/* The silos' password of the predictions' own Redis, from the Secret (when that Redis has one). */}}
{{- define "pc.predictionsRedisEnv" -}}
{{- if include "pc.predictionsRedisAuth" . }}
- name: Storage__Redis__Password
  valueFrom:
    secretKeyRef:
      name: {{ include "pc.secretName" . }}
      key: predictions-redis-password
      {{- if .Values.secret.existingSecret }}
      optional: true
      {{- end }}
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
