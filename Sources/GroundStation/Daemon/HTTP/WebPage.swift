/// The station's web page: one self-contained HTML document that reads the JSON API.
/// Sections: status, schedule, passes (filter by satellite, station, time; one pass with frames and
/// waterfall), frames by satellite and time range (paged), a telemetry field plotted over time (inline SVG
/// from /api/telemetry) and live frames over Server-Sent Events.
enum WebPage {
    static let html = #"""
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>gsd ground station</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:1em 2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.4em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:.9em}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}
code,.hex{font-family:monospace;font-size:.85em;word-break:break-all}
tr.sel{background:#eef}.bad{color:#a00}.ok{color:#070}
form{margin:.5em 0}input{width:11em}
#plot svg{border:1px solid #ccc;background:#fcfcfc}#plot text{font-size:11px;fill:#555}
</style></head>
<body>
<h1>gsd ground station <span id="station"></span></h1>
<h2>Status</h2><div id="status">loading…</div>
<h2>Schedule</h2><table id="schedule"><thead><tr><th>#</th><th>satellite</th><th>start</th><th>end</th><th>max el</th><th>state</th><th>note</th></tr></thead><tbody></tbody></table>
<h2>Passes</h2>
<form id="passFilter">satellite (NORAD) <input name="norad"> station <input name="station"> since <input name="since" placeholder="2026-01-01T00:00:00Z"> until <input name="until"> <button>filter</button></form>
<table id="passes"><thead><tr><th>id</th><th>satellite</th><th>NORAD</th><th>kind</th><th>start</th><th>end</th><th>frames</th></tr></thead><tbody></tbody></table>
<div id="pass"></div>
<h2>Frames by satellite and time</h2>
<form id="frameFilter">NORAD <input name="norad"> since <input name="since"> until <input name="until"> <button>search</button></form>
<table id="frames"><thead><tr><th>time</th><th>pass</th><th>check</th><th>az/el</th><th>hex</th></tr></thead><tbody></tbody></table>
<button id="prev">previous</button> <button id="next">next</button> <span id="pageInfo"></span>
<h2>Telemetry</h2>
<form id="telemetryForm">satellite <select id="tmSat" name="norad"></select> field <select id="tmField" name="field"></select> <button>plot</button></form>
<div id="plot"></div>
<h2>Live frames</h2><div id="liveState">connecting…</div>
<table id="live"><thead><tr><th>time</th><th>satellite</th><th>pass</th><th>check</th><th>hex</th></tr></thead><tbody></tbody></table>
<script>
const $=s=>document.querySelector(s);
const esc=s=>String(s??'').replace(/[&<>"]/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
const num=(x,d=1)=>x==null?'':Number(x).toFixed(d);
async function get(u){const r=await fetch(u);if(!r.ok)throw new Error((await r.json()).error||r.status);return r.json();}
function params(form){const p=new URLSearchParams();for(const [k,v] of new FormData(form))if(v)p.set(k,v);return p;}
async function status(){
  const s=await get('/api/status');$('#station').textContent=s.station+(s.callsign?' ('+s.callsign+')':'');
  const cur=s.current_passes.map(p=>esc(p.satellite)+' pass '+p.pass_id+' ('+p.frames+' frames)').join(', ')||'none';
  $('#status').innerHTML='<table><tr><th>devices</th><td>'+s.devices.map(d=>esc(d.role+': '+d.kind+(d.address?' '+d.address:''))).join('<br>')+
   '</td></tr><tr><th>ring</th><td>in '+s.ring.bytes_in+' B, out '+s.ring.bytes_out+' B, dropped '+s.ring.bytes_dropped+' B in '+s.ring.drop_events+' drops</td></tr>'+
   '<tr><th>current pass</th><td id="current">'+cur+'</td></tr><tr><th>passes observed</th><td>'+s.passes_observed+'</td></tr><tr><th>frames stored</th><td id="framesStored">'+s.frames_stored+'</td></tr>'+
   (s.last_error?'<tr><th>last error</th><td class="bad">'+esc(s.last_error)+'</td></tr>':'')+'</table>';
}
async function schedule(){
  const s=await get('/api/schedule');
  $('#schedule tbody').innerHTML=s.passes.map(p=>'<tr><td>'+p.slot+'</td><td>'+esc(p.satellite)+'</td><td>'+p.start+'</td><td>'+p.end+'</td><td>'+num(p.max_elevation)+'</td><td>'+p.state+'</td><td>'+esc(p.note)+'</td></tr>').join('');
}
async function passes(){
  const s=await get('/api/passes?'+params($('#passFilter')));
  $('#passes tbody').innerHTML=s.items.slice().reverse().map(p=>'<tr data-id="'+p.id+'"><td><a href="#pass-'+p.id+'">'+p.id+'</a></td><td>'+esc(p.satellite)+'</td><td>'+p.norad+'</td><td>'+p.kind+'</td><td>'+p.start+'</td><td>'+(p.end??'observing')+'</td><td>'+p.frames+'</td></tr>').join('');
  document.querySelectorAll('#passes tbody tr').forEach(tr=>tr.onclick=()=>showPass(tr.dataset.id));
}
async function showPass(id){
  const p=await get('/api/passes/'+id);const f=await get('/api/passes/'+id+'/frames');
  $('#pass').innerHTML='<h3>Pass '+p.id+': '+esc(p.satellite)+'</h3><p>'+p.start+' – '+(p.end??'observing')+', '+p.frames+' frames</p>'+
   '<img id="waterfall" alt="waterfall not yet computed" src="'+p.waterfall+'" style="max-width:100%">'+
   '<table class="passFrames"><tr><th>#</th><th>time</th><th>check</th><th>framing</th><th>az/el</th><th>hex</th></tr>'+
   f.items.map(x=>'<tr><td>'+x.sequence+'</td><td>'+x.time+'</td><td class="'+(x.checks_ok?'ok':'bad')+'">'+(x.checks_ok?'ok':'failed')+'</td><td>'+esc(x.framing)+'</td><td>'+num(x.azimuth)+' / '+num(x.elevation)+'</td><td class="hex">'+x.hex+'</td></tr>').join('')+'</table>';
}
let offset=0;const limit=50;
async function frames(){
  const p=params($('#frameFilter'));p.set('limit',limit);p.set('offset',offset);
  const s=await get('/api/frames?'+p);
  $('#frames tbody').innerHTML=s.items.map(x=>'<tr><td>'+x.time+'</td><td>'+x.pass_id+'</td><td class="'+(x.checks_ok?'ok':'bad')+'">'+(x.checks_ok?'ok':'failed')+'</td><td>'+num(x.azimuth)+' / '+num(x.elevation)+'</td><td class="hex">'+x.hex+'</td></tr>').join('');
  $('#pageInfo').textContent='frames '+(offset+1)+'–'+(offset+s.items.length);$('#next').disabled=s.next==null;$('#prev').disabled=offset==0;
}
// Telemetry: satellites from the passes, fields from their most recent frames, the chosen one as an SVG
// line (the last 1000 values). ?tm=NORAD&field=PATH preselects a plot.
const pre=new URLSearchParams(location.search);
async function tmSatellites(){
  const s=await get('/api/passes?limit=1000');const sats=new Map();s.items.forEach(p=>sats.set(p.norad,p.satellite));
  const sel=$('#tmSat'),cur=sel.value||pre.get('tm');
  sel.innerHTML=[...sats].map(([n,name])=>'<option value="'+n+'">'+esc(name)+' ('+n+')</option>').join('');
  if(cur&&sats.has(Number(cur)))sel.value=cur;
}
async function tmFields(){
  const n=$('#tmSat').value;if(!n)return;const f=await get('/api/telemetry/fields?norad='+n);
  const sel=$('#tmField'),cur=sel.value||pre.get('field');
  sel.innerHTML=f.fields.map(x=>'<option value="'+esc(x.path)+'">'+esc(x.path)+(x.unit?' ['+esc(x.unit)+']':'')+'</option>').join('');
  if(cur&&f.fields.some(x=>x.path===cur))sel.value=cur;
}
async function plot(){
  const n=$('#tmSat').value,field=$('#tmField').value;
  if(!n||!field){$('#plot').textContent='no telemetry stored yet';return;}
  const s=await get('/api/telemetry?norad='+n+'&field='+encodeURIComponent(field)+'&limit=1000');
  const pts=s.points.filter(p=>typeof p.value==='number');
  if(!pts.length){$('#plot').textContent='no values of '+field;return;}
  const W=640,H=240,L=70,R=20,T=15,B=35,ts=pts.map(p=>Date.parse(p.time)),vs=pts.map(p=>p.value);
  const t0=Math.min(...ts),t1=Math.max(...ts),v0=Math.min(...vs),v1=Math.max(...vs);
  // A single time or value is drawn in the middle rather than divided by zero.
  const x=t=>L+(t1>t0?(t-t0)/(t1-t0):.5)*(W-L-R),y=v=>H-B-(v1>v0?(v-v0)/(v1-v0):.5)*(H-T-B);
  const xy=pts.map((p,i)=>x(ts[i]).toFixed(1)+','+y(vs[i]).toFixed(1));
  const unit=pts[0].unit?' '+esc(pts[0].unit):'';
  $('#plot').innerHTML='<svg id="telemetryPlot" xmlns="http://www.w3.org/2000/svg" width="'+W+'" height="'+H+'" viewBox="0 0 '+W+' '+H+'">'+
   '<line x1="'+L+'" y1="'+(H-B)+'" x2="'+(W-R)+'" y2="'+(H-B)+'" stroke="#999"/><line x1="'+L+'" y1="'+T+'" x2="'+L+'" y2="'+(H-B)+'" stroke="#999"/>'+
   '<text x="'+(L-4)+'" y="'+(T+8)+'" text-anchor="end">'+esc(v1)+unit+'</text><text x="'+(L-4)+'" y="'+(H-B)+'" text-anchor="end">'+esc(v0)+unit+'</text>'+
   '<text x="'+L+'" y="'+(H-8)+'">'+esc(pts[0].time)+'</text><text x="'+(W-R)+'" y="'+(H-8)+'" text-anchor="end">'+esc(pts[pts.length-1].time)+'</text>'+
   '<polyline fill="none" stroke="#05a" stroke-width="1.5" points="'+xy.join(' ')+'"/>'+
   xy.map((c,i)=>{const [cx,cy]=c.split(',');return '<circle cx="'+cx+'" cy="'+cy+'" r="2.5" fill="#05a"><title>'+esc(pts[i].time+': '+pts[i].value)+unit+'</title></circle>';}).join('')+
   '</svg><div>'+esc(s.field)+': '+pts.length+' values'+(s.more?' (the latest; older ones exist)':'')+'</div>';
}
async function telemetry(){await tmSatellites();await tmFields();await plot();}
$('#tmSat').onchange=()=>{$('#tmField').innerHTML='';tmFields().then(plot).catch(e=>$('#plot').textContent='error: '+e.message);};
$('#telemetryForm').onsubmit=e=>{e.preventDefault();plot().catch(e=>$('#plot').textContent='error: '+e.message);};
$('#passFilter').onsubmit=e=>{e.preventDefault();passes();};
$('#frameFilter').onsubmit=e=>{e.preventDefault();offset=0;frames();};
$('#next').onclick=()=>{offset+=limit;frames();};$('#prev').onclick=()=>{offset=Math.max(0,offset-limit);frames();};
// ?live=0 leaves the event stream closed (headless renderers wait for open connections).
if(new URLSearchParams(location.search).get('live')!=='0'){
const live=new EventSource('/api/live');
live.onopen=()=>$('#liveState').textContent='connected';
live.onerror=()=>$('#liveState').textContent='disconnected (retrying)';
live.addEventListener('frame',e=>{const x=JSON.parse(e.data);const tr=document.createElement('tr');
  tr.innerHTML='<td>'+x.time+'</td><td>'+esc(x.satellite)+'</td><td>'+x.pass_id+'</td><td class="'+(x.checks_ok?'ok':'bad')+'">'+(x.checks_ok?'ok':'failed')+'</td><td class="hex">'+x.hex+'</td>';
  $('#live tbody').prepend(tr);});
}else{$('#liveState').textContent='off (?live=0)';}
function refresh(){status().catch(e=>$('#status').textContent='error: '+e.message);schedule().catch(()=>{});passes().catch(()=>{});}
refresh();frames().catch(()=>{});telemetry().catch(e=>$('#plot').textContent='error: '+e.message);setInterval(refresh,5000);
const m=location.hash.match(/^#pass-(\d+)$/);if(m)showPass(m[1]).catch(()=>{});
</script>
</body></html>
"""#
}
