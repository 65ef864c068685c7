terraform {
  required_providers {
    hostup = {
      source = "hostup/hostup"
    }
  }
}

# The API key is best given through the HOSTUP_API_KEY environment variable, so that it never
# appears in configuration files.
provider "hostup" {
  # api_key  = var.hostup_api_key      # or HOSTUP_API_KEY
  # endpoint = "https://cloud.hostup.se" # or HOSTUP_ENDPOINT
}
