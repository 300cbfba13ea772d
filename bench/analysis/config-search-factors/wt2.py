import sys, math, random, numpy as np
sys.path.insert(0,__import__('os').path.join(__import__('os').path.dirname(__import__('os').path.abspath(__file__)),'..','config-search-regret'))
import mape as M, lin as L, ev as E
T=M.T
_w={}
def loo_mse(train, v, k, draws=4):
    key=(tuple(train),v,k)
    if key in _w: return _w[key]
    ks=(1,2,3) if k is None else (k,)
    sq=[]
    for h in train:
        rest=[j for j in train if j!=h]; rr=random.Random(hash(h)%1000+1)
        e=[]
        for kk in ks:
            for d in range(draws):
                sk=rr.sample(list(T[h]),kk); shots={q:T[h][q] for q in sk}
                qs=[q for q in T[h] if q not in shots and M.ratio_ref(rest,shots,q) is not None]
                p=E.preds(v,rest,shots,qs); t=np.array([T[h][q] for q in qs])
                e.append(np.mean((p-t)**2))
        sq.append(np.mean(e))
    _w[key]=np.mean(sq); return _w[key]
_p=E.preds
def preds(v, train, shots, qs):
    if v[0]=='ens':
        parts=[_p(x,train,shots,qs) for x in v[1]]
        ms=[loo_mse(train,x,len(shots) if v[2]=='perk' else None) for x in v[1]]
        w=np.array([1/m for m in ms]); w/=w.sum()
        return sum(a*p for a,p in zip(w,parts))
    return _p(v,train,shots,qs)
E.preds=preds
if __name__=='__main__':
    mode=sys.argv[1]
    vs=[('m','ref'),('m','v0')]+[eval(x) for x in sys.argv[2:]]
    o=E.run(M.folds_of(mode),vs)
    for v in vs: print(mode,'%-70s'%str(v),' '.join('%.3f'%o[(v,k)][0] for k in (1,2,3)),'mean %.3f'%np.mean([o[(v,k)][0] for k in (1,2,3)]),flush=True)
