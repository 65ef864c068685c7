# A complete scenario: the team's VPS keys managed from HCL, and the inventory read back.
# scripts/demo.sh runs it against the bundled mock HostUp API.

terraform {
  required_providers {
    hostup = {
      source  = "hostup/hostup"
      version = "~> 0.1"
    }
  }
}

# Credentials and endpoint come from HOSTUP_API_KEY and HOSTUP_ENDPOINT.
provider "hostup" {}

variable "team" {
  description = "Key name => public key file."
  type        = map(string)
  default = {
    "ci-deploy"  = "keys/deploy.pub"
    "ops-laptop" = "keys/laptop.pub"
  }
}

resource "hostup_vps_ssh_key" "team" {
  for_each   = var.team
  name       = each.key
  public_key = file("${path.module}/${each.value}")
}

data "hostup_vps_ssh_keys" "all" {
  depends_on = [hostup_vps_ssh_key.team]
}

data "hostup_vps_ssh_key" "deploy" {
  depends_on  = [hostup_vps_ssh_key.team]
  fingerprint = hostup_vps_ssh_key.team["ci-deploy"].fingerprint
}

output "keys" {
  value = { for name, k in hostup_vps_ssh_key.team : name => "${k.id} ${k.key_type} ${k.fingerprint}" }
}

output "inventory_size" {
  value = length(data.hostup_vps_ssh_keys.all.keys)
}

output "deploy_key_found_by_fingerprint" {
  value = data.hostup_vps_ssh_key.deploy.id
}
