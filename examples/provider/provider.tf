terraform {
  required_providers {
    hostup = {
      source  = "hostup/hostup"
      version = "~> 0.1"
    }
  }
}

# The API key is best given through the HOSTUP_API_KEY environment variable, so that it never
# appears in configuration files. Every argument is optional.
provider "hostup" {
  # api_key  = var.hostup_api_key        # or HOSTUP_API_KEY
  # endpoint = "https://cloud.hostup.se" # or HOSTUP_ENDPOINT

  # Retries after 429s, server errors and connection failures (defaults shown).
  max_retries     = 8     # or HOSTUP_MAX_RETRIES
  request_timeout = "30s" # one HTTP attempt; or HOSTUP_REQUEST_TIMEOUT
  retry_deadline  = "5m"  # one operation, retries included; or HOSTUP_RETRY_DEADLINE

  # A cap on this run's request rate; 0 = none. The provider also paces itself by HostUp's
  # X-RateLimit-* headers, so this is only for keys many runs share.
  requests_per_second = 0 # or HOSTUP_REQUESTS_PER_SECOND

  # Behind a TLS-inspecting proxy: its CA, trusted beside the built-in roots (SSL_CERT_FILE
  # and SSL_CERT_DIR are read too).
  # ca_certificates = file("corp-ca.pem")
}
