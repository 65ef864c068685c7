# The v2 reset: the VPS is named by its vps_… id, found by name, and the reset waits for HostUp's
# job to complete (at most 15 minutes here; the default is 10m). The VPS restarts.
data "hostup_vps_instances" "web" {
  name = "web-1"
}

resource "hostup_vps_ssh_key" "vps_deploy" {
  name       = "vps-deploy"
  public_key = file("${path.module}/keys/vps-deploy.pub")
}

resource "hostup_vm_ssh_reset" "vps" {
  vps_id  = one(data.hostup_vps_instances.web.instances).id
  key_ids = [hostup_vps_ssh_key.vps_deploy.id]

  triggers = {
    deploy_key = hostup_vps_ssh_key.vps_deploy.fingerprint
  }

  timeouts {
    create = "15m"
  }
}

output "vps_reset_job" {
  value = "${hostup_vm_ssh_reset.vps.job_id}: ${hostup_vm_ssh_reset.vps.status}"
}
