# The account's VPS named "web-1" (matched exactly, ignoring case), and every VPS on one address.
data "hostup_vps_instances" "web" {
  name = "web-1"
}

data "hostup_vps_instances" "by_ip" {
  primary_ip = "203.0.113.10"
}

output "web_vps_id" {
  # one() fails the plan unless exactly one VPS matched: a typo does not pick another machine.
  value = one(data.hostup_vps_instances.web.instances).id
}

output "vps_on_203_0_113_10" {
  value = [for v in data.hostup_vps_instances.by_ip.instances : v.name]
}
