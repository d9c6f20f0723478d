// The captured and documented frames of ayla-protocol.md (copied from shared/fixtures/ayla-frames.jsonl):
// the simulator's events must have exactly these shapes, field order included.

export interface FixtureFrame {
  note: string;
  frame: string;
}

export const AYLA_FRAMES: readonly FixtureFrame[] = [
  { note: "connectivity, captured (Ayla tutorial, mobile dev)", frame: "256|{\"seq\":\"1\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"ledevb\",\"dsn\":\"AC000W000340779\",\"resource_tags\":[],\"event_type\":\"connectivity\"},\"connection\":{\"event_time\":\"2018-09-22T18:56:55Z\",\"user_uuid\":\"40e45b84-690c-11e8-acf3-12f911dcfe40\",\"status\":\"Online\"}}" },
  { note: "datapoint boolean, captured (Ayla tutorial)", frame: "472|{\"seq\":\"1\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"linuxevb\",\"dsn\":\"AC000W005606115\",\"property_name\":\"Blue_LED\",\"display_name\":\"Blue_LED\",\"base_type\":\"boolean\",\"resource_tags\":[],\"event_type\":\"datapoint\"},\"datapoint\":{\"id\":\"a4f6c2c6-be96-11e8-dd99-5dfe02e238a9\",\"created_at_from_device\":null,\"updated_at\":\"2018-09-22T18:38:05Z\",\"created_at\":\"2018-09-22T18:38:05Z\",\"user_uuid\":\"40e45b84-690c-11e8-acf3-12f911dcfe40\",\"echo\":true,\"closed\":false,\"value\":0,\"metadata\":{}}}" },
  { note: "datapoint string, captured 2017 (no resource_tags)", frame: "470|{\"seq\":\"0\",\"metadata\":{\"oem_id\":\"d3ff9b61\",\"oem_model\":\"OTEST\",\"dsn\":\"VXRINNAI0000002\",\"property_name\":\"WH1_INF_UNT_ECC\",\"display_name\":\"WH1_INF_UNT_ECC\",\"base_type\":\"string\",\"event_type\":\"datapoint\"},\"datapoint\":{\"id\":\"0d54b2d0-0767-11e7-898a-7170c488c054\",\"created_at_from_device\":null,\"updated_at\":\"2017-03-12T21:01:24Z\",\"created_at\":\"2017-03-12T21:01:24Z\",\"user_uuid\":\"a63b35ec-828d-11e5-9609-0ee0c870bcec\",\"echo\":false,\"closed\":false,\"value\":\"asdf3\",\"metadata\":{}}}" },
  { note: "connectivity, documented", frame: "256|{\"seq\":\"1\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"ledevb\",\"dsn\":\"AC000W000340649\",\"resource_tags\":[],\"event_type\":\"connectivity\"},\"connection\":{\"event_time\":\"2018-09-24T10:26:37Z\",\"user_uuid\":\"00000000-0000-0000-0000-000000000000\",\"status\":\"Online\"}}" },
  { note: "datapoint, documented", frame: "473|{\"seq\":\"13\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"linuxevb\",\"dsn\":\"AC000W005606115\",\"property_name\":\"Blue_LED\",\"display_name\":\"Blue_LED\",\"base_type\":\"boolean\",\"resource_tags\":[],\"event_type\":\"datapoint\"},\"datapoint\":{\"id\":\"1ff9b91c-bfe4-11e8-1261-67d251d3ec96\",\"created_at_from_device\":null,\"updated_at\":\"2018-09-24T10:25:14Z\",\"created_at\":\"2018-09-24T10:25:14Z\",\"user_uuid\":\"00000000-0000-0000-0000-000000000000\",\"echo\":true,\"closed\":false,\"value\":0,\"metadata\":{}}}" },
  { note: "datapointack, documented (body under 'datapoint')", frame: "591|{\"seq\":\"2\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"linuxevb\",\"dsn\":\"AC000W005606115\",\"property_name\":\"Blue_LED\",\"display_name\":\"Blue_LED\",\"base_type\":\"boolean\",\"resource_tags\":[],\"event_type\":\"datapointack\"},\"datapoint\":{\"id\":\"15af3cfc-bfe4-11e8-f2f0-9aab1d61f636\",\"created_at_from_device\":null,\"updated_at\":\"2018-09-24T10:24:57Z\",\"created_at\":\"2018-09-24T10:24:57Z\",\"user_uuid\":\"00000000-0000-0000-0000-000000000000\",\"echo\":false,\"closed\":false,\"value\":1,\"ack_message\":0,\"ack_status\":200,\"ack_id\":\"160c8c90-bfe4-11e8-87f4-8d732085e587\",\"acked_at\":\"2018-09-24T10:24:57Z\",\"metadata\":{}}}" },
  { note: "location, documented (lat with a leading space)", frame: "344|{\"seq\":\"1\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"ledevb\",\"dsn\":\"AC000W000340779\",\"resource_tags\":[],\"event_type\":\"location\"},\"location_event\":{\"dsn\":\"AC000W000340779\",\"ip\":\"67.255.234.73\",\"lat\":\" 44.769500\",\"long\":\"-69.428300\",\"provider\":\"ip-based\",\"user_uuid\":\"00000000-0000-0000-0000-000000000000\",\"created_at\":\"2018-09-24T11:04:07Z\"}}" },
  { note: "registration (unregistered), documented", frame: "290|{\"seq\":\"1\",\"metadata\":{\"oem_id\":\"0dfc7900\",\"oem_model\":\"ledevb\",\"dsn\":\"AC000W000340649\",\"resource_tags\":[],\"event_type\":\"registration\"},\"registration_event\":{\"dsn\":\"AC000W000340649\",\"user_uuid\":null,\"registered\":false,\"registration_type\":\"AP-Mode\",\"unregistered_at\":\"2018-09-24T10:29:50Z\"}}" },
  { note: "heartbeat: answer with Z or 1|Z", frame: "1|Z" },
  { note: "keep-alive: no answer", frame: "1|X" },
];

/** The first fixture frame whose payload has this event_type (and, for registration, this `registered`). */
export function fixtureEvent(eventType: string, registered?: boolean): Record<string, unknown> {
  for (const { frame } of AYLA_FRAMES) {
    const bar = frame.indexOf('|');
    const payload = frame.slice(bar + 1);
    if (!payload.startsWith('{')) continue;
    const event = JSON.parse(payload) as { metadata?: { event_type?: string }; registration_event?: { registered?: boolean } };
    if (event.metadata?.event_type !== eventType) continue;
    if (registered !== undefined && event.registration_event?.registered !== registered) continue;
    return event as Record<string, unknown>;
  }
  throw new Error(`no fixture frame for ${eventType}`);
}
